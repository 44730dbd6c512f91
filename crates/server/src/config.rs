//! Typed configuration, loaded once: defaults, then a TOML file, then `CORDTRACE_*` environment
//! variables, then command-line flags.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, for log shippers.
    Json,
}

/// One screening marker as configured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkerSetting {
    /// The marker's name, e.g. `HIV-1/2`.
    pub name: String,
    /// Whether a result other than NON_REACTIVE makes the donor ineligible.
    pub exclusionary: bool,
}

/// Every setting of cordtrace.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Directory for the SQLite database and the ledger signing key.
    pub data_dir: PathBuf,
    /// Database URL; `postgres://` selects PostgreSQL. Default: SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Log format.
    pub log_format: LogFormat,
    /// Log filter directives, in `tracing` `EnvFilter` syntax, added to
    /// [`DEFAULT_LOG_DIRECTIVES`](crate::telemetry::DEFAULT_LOG_DIRECTIVES) (a directive for the
    /// same target replaces the default one).
    pub log_level: String,
    /// The checkpoint origin: a name for this installation's ledger, such as `cordtrace.example-facility.org/ledger`.
    pub origin: String,
    /// Seconds between checkpoint signings when the ledger has grown.
    pub checkpoint_interval_secs: u64,
    /// File holding the Ed25519 signing key; created on first start. Default: in `data_dir`.
    pub signing_key_file: Option<PathBuf>,
    /// The signing key itself (`PRIVATE+KEY+...`), instead of the file. Never logged.
    pub signing_key: Option<String>,
    /// Seconds a session may stay unused (default 15 minutes).
    pub session_idle_secs: u32,
    /// Seconds a session lasts at most (default 12 hours).
    pub session_lifetime_secs: u32,
    /// Consecutive password failures that lock an account.
    pub lockout_failures: u32,
    /// Seconds an account stays locked (default 15 minutes); also the window over which failed
    /// sign-ins are throttled per address and per username.
    pub lockout_secs: u32,
    /// Failed sign-ins one client address may make within `lockout_secs` before its attempts
    /// are refused unchecked (a username is throttled after twice `lockout_failures`).
    pub login_address_failures: u32,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Seconds a client has to send a request's headers, counted from when the connection opens
    /// or its previous response was sent (so also how long an idle keep-alive connection stays
    /// open); a connection that takes longer is closed.
    pub header_read_timeout_secs: u64,
    /// Seconds a client has to send a request's whole body, counted from the end of its headers;
    /// a request that takes longer is answered 408.
    pub body_read_timeout_secs: u64,
    /// Connections open at once; further clients wait (in the listen backlog) until one closes.
    pub max_connections: usize,
    /// Requests being handled at once; a request beyond that is answered 503 at once.
    pub max_in_flight_requests: usize,
    /// The ISBT 128 Facility Identification Number cordtrace assigns DINs under (donations
    /// registered without one, pool DINs). Fixtures use the test FINs A9990 to A9999.
    pub fin: Option<String>,
    /// Hours from collection to receipt at the lab beyond which a donation is flagged.
    pub max_transit_hours: i64,
    /// The screening markers that must be tested for donor eligibility; reactive results of
    /// exclusionary ones make a donor ineligible. Default: the 21 CFR 1271.85 panel for a cord.
    pub screening_markers: Vec<MarkerSetting>,
    /// Seconds in-flight requests get to finish after a shutdown signal.
    pub shutdown_grace_secs: u64,
    /// Minutes after thawing a unit may still be infused (the post-thaw use-by window).
    pub thaw_window_minutes: u32,
    /// Days the latest body weight may be old at the bedside check.
    pub weight_window_days: u32,
    /// Percent a unit's cells per kg may differ from the prescribed dose per kg.
    pub dose_tolerance_percent: u32,
    /// Minutes an accepted bedside check allows the infusion to start.
    pub check_valid_minutes: u32,
    /// The facility's IANA time zone (e.g. `Europe/Paris`), in which expiry labels are printed.
    pub facility_time_zone: String,
    /// Marks the web application's session cookie `Secure`: set it when people reach the
    /// server over TLS (directly or through a proxy), so the browser never sends it in clear.
    pub cookie_secure: bool,
    /// The facility's name, printed on every unit label.
    pub facility_name: String,
    /// The facility's address, printed on every unit label.
    pub facility_address: String,
    /// The storage conditions unit labels state.
    pub label_storage: String,
    /// Whether a reprinted unit label carries the ISBT 128 flag `05` (reprinted label) instead
    /// of the type 3 check flag.
    pub label_flags_reprints: bool,
}

impl Default for Settings {
    fn default() -> Self {
        let labels = cordtrace_store::commands::manufacturing::LabelPolicy::default();
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("cordtrace-data"),
            database_url: None,
            log_format: LogFormat::Pretty,
            log_level: String::new(),
            origin: "cordtrace.local/ledger".to_owned(),
            checkpoint_interval_secs: 10,
            signing_key_file: None,
            signing_key: None,
            session_idle_secs: 15 * 60,
            session_lifetime_secs: 12 * 60 * 60,
            lockout_failures: 5,
            lockout_secs: 15 * 60,
            login_address_failures: 25,
            max_body_bytes: 1024 * 1024,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 30,
            max_connections: 1024,
            max_in_flight_requests: 256,
            fin: None,
            max_transit_hours: 48,
            screening_markers: cordtrace_domain::manufacturing::ScreeningPolicy::default()
                .markers
                .into_iter()
                .map(|rule| MarkerSetting {
                    name: rule.name,
                    exclusionary: rule.exclusionary,
                })
                .collect(),
            shutdown_grace_secs: 30,
            thaw_window_minutes: 4 * 60,
            weight_window_days: 7,
            dose_tolerance_percent: 10,
            check_valid_minutes: 30,
            facility_time_zone: "UTC".to_owned(),
            cookie_secure: false,
            facility_name: labels.facility_name,
            facility_address: labels.facility_address,
            label_storage: labels.storage,
            label_flags_reprints: labels.flags_reprints,
        }
    }
}

/// Settings given as command-line flags; they override everything else.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FlagOverrides {
    /// `--listen`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    /// `--data-dir`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// `--database-url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

/// Environment variables that share the prefix but are not settings.
const NOT_SETTINGS: [&str; 2] = ["password", "config"];

impl Settings {
    /// Loads defaults, then `file`, then the environment, then `flags`.
    pub fn load(file: Option<&Path>, flags: &FlagOverrides) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(Env::prefixed("CORDTRACE_").ignore(&NOT_SETTINGS))
            .merge(Serialized::defaults(flags))
            .extract()
            .map_err(Box::new)
    }

    /// The database URL: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("cordtrace.db").display()
            )
        })
    }

    /// Whether the database is the embedded SQLite one (which lives in the data directory).
    pub fn uses_sqlite(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }

    /// The SQLite database file, for a `sqlite:` URL naming one (`None` for PostgreSQL and for
    /// an in-memory database): the URL without its scheme and query.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let url = self.database_url();
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let in_memory = path.is_empty()
            || path == ":memory:"
            || query.split('&').any(|pair| pair == "mode=memory");
        (!in_memory).then(|| PathBuf::from(path))
    }

    /// Where the signing key is kept.
    pub fn signing_key_path(&self) -> PathBuf {
        self.signing_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("ledger-signing.key"))
    }

    /// Lockout and session timing.
    pub fn auth_policy(&self) -> cordtrace_store::auth::AuthPolicy {
        cordtrace_store::auth::AuthPolicy {
            lockout: cordtrace_domain::identity::LockoutPolicy {
                max_failures: self.lockout_failures.max(1),
                lock_for: seconds(self.lockout_secs),
            },
            idle_timeout: seconds(self.session_idle_secs),
            absolute_lifetime: seconds(self.session_lifetime_secs),
        }
    }
}

impl Settings {
    /// Every policy the API applies; fails on a malformed FIN or time zone.
    pub fn api_policies(&self) -> Result<cordtrace_api::Policies, String> {
        Ok(cordtrace_api::Policies {
            auth: self.auth_policy(),
            login_throttle: cordtrace_api::ThrottlePolicy {
                per_address: self.login_address_failures.max(1),
                // The lockout locks after `lockout_failures`; the attempts a locked account
                // still records are bounded at as many again.
                per_username: self.lockout_failures.max(1).saturating_mul(2),
                window: std::time::Duration::from_secs(u64::from(self.lockout_secs.max(1))),
            },
            manufacturing: self.manufacturing_policy()?,
            clinical: self.clinical_policy()?,
        })
    }

    /// The manufacturing rules this installation applies; fails on a malformed FIN.
    pub fn manufacturing_policy(
        &self,
    ) -> Result<cordtrace_store::commands::manufacturing::ManufacturingPolicy, String> {
        let fin = self
            .fin
            .as_deref()
            .map(cordtrace_domain::isbt128::Fin::parse)
            .transpose()
            .map_err(|error| format!("fin: {error}"))?;
        Ok(
            cordtrace_store::commands::manufacturing::ManufacturingPolicy {
                screening: cordtrace_domain::manufacturing::ScreeningPolicy {
                    markers: self
                        .screening_markers
                        .iter()
                        .map(|marker| cordtrace_domain::manufacturing::MarkerRule {
                            name: marker.name.clone(),
                            exclusionary: marker.exclusionary,
                        })
                        .collect(),
                    window_days: 7,
                },
                max_transit_hours: self.max_transit_hours.max(1),
                fin,
                labels: cordtrace_store::commands::manufacturing::LabelPolicy {
                    facility_name: self.facility_name.clone(),
                    facility_address: self.facility_address.clone(),
                    storage: self.label_storage.clone(),
                    flags_reprints: self.label_flags_reprints,
                },
            },
        )
    }
}

impl Settings {
    /// The bedside and administration limits this installation applies; fails on an unknown
    /// time zone.
    pub fn clinical_policy(
        &self,
    ) -> Result<cordtrace_store::commands::clinical::ClinicalPolicy, String> {
        let time_zone = self
            .facility_time_zone
            .parse::<chrono_tz::Tz>()
            .map_err(|_| {
                format!(
                    "facility_time_zone: {:?} is not an IANA time zone",
                    self.facility_time_zone
                )
            })?;
        Ok(cordtrace_store::commands::clinical::ClinicalPolicy {
            thaw_window: chrono::Duration::minutes(i64::from(self.thaw_window_minutes.max(1))),
            weight_window_days: i64::from(self.weight_window_days),
            dose_tolerance_percent: self.dose_tolerance_percent,
            check_valid_for: chrono::Duration::minutes(i64::from(self.check_valid_minutes.max(1))),
            time_zone,
        })
    }
}

impl Settings {
    /// The limits on connections and requests that keep slow or numerous clients from holding
    /// the server (zero timeouts and counts are taken as one).
    pub(crate) fn http_limits(&self) -> crate::http::Limits {
        crate::http::Limits {
            max_body_bytes: self.max_body_bytes,
            header_read_timeout: std::time::Duration::from_secs(
                self.header_read_timeout_secs.max(1),
            ),
            body_read_timeout: std::time::Duration::from_secs(self.body_read_timeout_secs.max(1)),
            max_connections: self.max_connections.max(1),
            max_in_flight_requests: self.max_in_flight_requests.max(1),
        }
    }
}

/// A positive duration of whole seconds (zero is taken as one second).
fn seconds(secs: u32) -> chrono::Duration {
    chrono::Duration::seconds(i64::from(secs.max(1)))
}

impl Settings {
    /// The settings as a configuration file would give them, in TOML, with the signing key and
    /// any database password redacted: what `cordtrace config` prints. Unset optional settings
    /// are left out, so the text loads back as the same configuration (minus the secrets).
    pub fn redacted_toml(&self) -> Result<String, toml::ser::Error> {
        let mut shown = self.clone();
        if shown.signing_key.is_some() {
            shown.signing_key = Some("<redacted>".to_owned());
        }
        shown.database_url = shown
            .database_url
            .as_deref()
            .map(cordtrace_store::db::redact_url);
        toml::to_string(&shown)
    }
}

/// Secrets stay out of logs, even at debug level.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &cordtrace_store::db::redact_url(&self.database_url()),
            )
            .field("log_format", &self.log_format)
            .field("origin", &self.origin)
            .field("checkpoint_interval_secs", &self.checkpoint_interval_secs)
            .field("signing_key_file", &self.signing_key_path())
            .field(
                "signing_key",
                &self.signing_key.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[expect(
    clippy::result_large_err,
    reason = "figment::Jail's closures return figment's own large error type"
)]
mod tests {
    use super::*;

    #[test]
    fn precedence_is_defaults_file_environment_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "cordtrace.toml",
                r#"
                listen = "127.0.0.1:9000"
                data_dir = "from-file"
                origin = "file.example/ledger"
                "#,
            )?;
            jail.set_env("CORDTRACE_DATA_DIR", "from-env");
            jail.set_env("CORDTRACE_PASSWORD", "not a setting");
            let flags = FlagOverrides {
                listen: Some("127.0.0.1:9100".parse().unwrap()),
                ..FlagOverrides::default()
            };
            let settings = Settings::load(Some(Path::new("cordtrace.toml")), &flags).unwrap();
            assert_eq!(settings.listen.port(), 9100);
            assert_eq!(settings.data_dir, PathBuf::from("from-env"));
            assert_eq!(settings.origin, "file.example/ledger");
            assert_eq!(settings.checkpoint_interval_secs, 10);
            Ok(())
        });
    }

    #[test]
    fn http_limits_come_from_the_file_and_environment_and_zero_means_one() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "cordtrace.toml",
                "body_read_timeout_secs = 5\nmax_in_flight_requests = 0\n",
            )?;
            jail.set_env("CORDTRACE_HEADER_READ_TIMEOUT_SECS", "3");
            jail.set_env("CORDTRACE_MAX_CONNECTIONS", "64");
            let settings =
                Settings::load(Some(Path::new("cordtrace.toml")), &FlagOverrides::default())
                    .unwrap();
            let limits = settings.http_limits();
            assert_eq!(
                limits.header_read_timeout,
                std::time::Duration::from_secs(3)
            );
            assert_eq!(limits.body_read_timeout, std::time::Duration::from_secs(5));
            assert_eq!(limits.max_connections, 64);
            assert_eq!(limits.max_in_flight_requests, 1);
            assert_eq!(limits.max_body_bytes, 1024 * 1024);
            Ok(())
        });
        let defaults = Settings::default().http_limits();
        assert_eq!(
            defaults.header_read_timeout,
            std::time::Duration::from_secs(10)
        );
        assert_eq!(
            defaults.body_read_timeout,
            std::time::Duration::from_secs(30)
        );
        assert_eq!(defaults.max_connections, 1024);
        assert_eq!(defaults.max_in_flight_requests, 256);
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("cordtrace.toml", "lisen = \"127.0.0.1:1\"")?;
            assert!(
                Settings::load(Some(Path::new("cordtrace.toml")), &FlagOverrides::default())
                    .is_err()
            );
            Ok(())
        });
    }

    #[test]
    fn the_sqlite_file_is_the_url_without_scheme_and_query() {
        let with_url = |url: &str| Settings {
            database_url: Some(url.to_owned()),
            ..Settings::default()
        };
        assert_eq!(
            Settings::default().sqlite_path(),
            Some(PathBuf::from("cordtrace-data/cordtrace.db"))
        );
        assert_eq!(
            with_url("sqlite:///var/lib/cordtrace/c.db?mode=rwc").sqlite_path(),
            Some(PathBuf::from("/var/lib/cordtrace/c.db"))
        );
        assert_eq!(
            with_url("sqlite:c.db").sqlite_path(),
            Some(PathBuf::from("c.db"))
        );
        assert_eq!(with_url("sqlite::memory:").sqlite_path(), None);
        assert_eq!(with_url("sqlite://c.db?mode=memory").sqlite_path(), None);
        assert_eq!(
            with_url("postgres://cordtrace@db.example/cordtrace").sqlite_path(),
            None
        );
    }

    #[test]
    fn default_database_is_sqlite_in_the_data_directory() {
        let settings = Settings::default();
        assert_eq!(
            settings.database_url(),
            "sqlite://cordtrace-data/cordtrace.db?mode=rwc"
        );
        assert!(settings.uses_sqlite());
        assert!(!format!("{settings:?}").contains("PRIVATE"));
    }
}
