//! What `cordtrace seed-demo` prints once the small facility is seeded: the address to open,
//! every user with the password shown once, a next step for each role, and the exact scans of
//! the unit ready at the bedside; as text, or as one JSON object (`--json`) for scripts and
//! tests.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use cordtrace_domain::ids::LotId;
use cordtrace_domain::isbt128::Din;
use cordtrace_domain::manufacturing::LotCode;
use cordtrace_domain::{Role, Timestamp};
use cordtrace_store::commands::clinical::ClinicalPolicy;
use serde::Serialize;
use uuid::Uuid;

use super::say;
use super::seed::Credential;
use super::seed_clinic::{DemoPatient, LabelledUnit};
use crate::config::Settings;

/// What the small facility holds that its report names.
pub(crate) struct Demo {
    pub(crate) credentials: Vec<Credential>,
    pub(crate) lot_id: LotId,
    pub(crate) lot_code: LotCode,
    pub(crate) units_in_storage: usize,
    /// Patient B's unit, thawed and waiting at the bedside.
    pub(crate) ready: LabelledUnit,
    /// Patients A (treated), B (ready at the bedside) and C (an order waiting).
    pub(crate) patients: [DemoPatient; 3],
    /// Donor 2's donation, received and waiting for its tissue processing.
    pub(crate) waiting_donation: Din,
    pub(crate) waiting_received: Timestamp,
}

/// The report, as `--json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    /// The address to open once the server runs.
    url: String,
    users: Vec<User>,
    /// What the clinician scans at patient B's bedside.
    bedside: Bedside,
    /// The released drug product lot.
    lot: LotRef,
    patients: Vec<PatientRef>,
    /// The ledger's size, all of it covered by the signed checkpoint.
    ledger_entries: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct User {
    username: String,
    password: String,
    role: &'static str,
    next_step: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Bedside {
    patient_id: Uuid,
    patient_key: String,
    /// The wristband scan (ISBT 128 `&#`).
    wristband: String,
    /// Every barcode of the unit label, one scan each.
    unit_barcodes: Vec<String>,
    unit_id: Uuid,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LotRef {
    id: Uuid,
    code: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PatientRef {
    name: &'static str,
    id: Uuid,
    key: String,
}

/// The address a browser on this machine opens for a server listening on `listen`.
fn url(listen: SocketAddr) -> String {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, listen.port()))
}

impl Report {
    pub(crate) fn new(
        settings: &Settings,
        clinical: &ClinicalPolicy,
        demo: &Demo,
        ledger_entries: u64,
    ) -> anyhow::Result<Self> {
        let [treated, ready_for, waiting] = &demo.patients;
        let barcodes = demo.ready.label_scans(clinical)?;
        let received = demo
            .waiting_received
            .as_datetime()
            .with_timezone(&clinical.time_zone)
            .format("%Y-%m-%d %H:%M");
        let next_step = |role: Role| match role {
            Role::Admin => "open Users: the demo accounts, one or two per role; create your \
                            staff's accounts and deactivate these before real use"
                .to_owned(),
            Role::Technician => format!(
                "open Home: donation {} (Demo Donor 2), received {received}, waits for its \
                 tissue processing; {} units of lot {} are stored in LN2-01",
                demo.waiting_donation.eye_readable(),
                demo.units_in_storage,
                demo.lot_code,
            ),
            Role::Analyst => format!(
                "open Release: the release queue, and the review of lot {} with its 15 \
                 results against the specification (certificate at /certificates/{})",
                demo.lot_code, demo.lot_id,
            ),
            Role::Qa => "open Home: Demo Donor 3 is screened and her eligibility \
                         determination requested, awaiting your signature; Release: the release \
                         queue"
                .to_owned(),
            Role::Clinician => format!(
                "open Bedside, scan the wristband {} then the unit label {}: OK to infuse for \
                 {} ({}); {}'s 6-month visit is due; {}'s order waits for a unit",
                ready_for.wristband_scan,
                barcodes.join(" "),
                ready_for.name,
                ready_for.key.as_str(),
                treated.name,
                waiting.name,
            ),
            Role::Auditor => format!(
                "open Ledger and Verification: {ledger_entries} entries since the facility \
                 opened, every one under the signed checkpoint"
            ),
        };
        Ok(Self {
            url: url(settings.listen),
            users: demo
                .credentials
                .iter()
                .map(|credential| User {
                    username: credential.username.clone(),
                    password: credential.password.clone(),
                    role: credential.role.as_str(),
                    next_step: next_step(credential.role),
                })
                .collect(),
            bedside: Bedside {
                patient_id: ready_for.id.as_uuid(),
                patient_key: ready_for.key.as_str().to_owned(),
                wristband: ready_for.wristband_scan.clone(),
                unit_barcodes: barcodes,
                unit_id: demo.ready.unit_id.as_uuid(),
            },
            lot: LotRef {
                id: demo.lot_id.as_uuid(),
                code: demo.lot_code.as_str().to_owned(),
            },
            patients: demo
                .patients
                .iter()
                .map(|patient| PatientRef {
                    name: patient.name,
                    id: patient.id.as_uuid(),
                    key: patient.key.as_str().to_owned(),
                })
                .collect(),
            ledger_entries,
        })
    }

    /// Prints the report for a person.
    pub(crate) fn print(&self) -> anyhow::Result<()> {
        say(format_args!(
            "seeded a demo facility with about nine months of history ({} ledger entries, \
             signed).",
            self.ledger_entries
        ))?;
        say(format_args!("Run `cordtrace serve` and open {}", self.url))?;
        say("")?;
        say("Users (password shown once; change it after the first login):")?;
        for user in &self.users {
            say(format_args!(
                "  {:<16} {:<11} {}",
                user.username, user.role, user.password
            ))?;
        }
        say("")?;
        say("Next steps:")?;
        let mut shown = Vec::new();
        for user in &self.users {
            if !shown.contains(&user.role) {
                shown.push(user.role);
                say(format_args!("  {:<11} {}", user.role, user.next_step))?;
            }
        }
        say("")?;
        say(format_args!(
            "At {}'s bedside ({}), scan:",
            self.patient_name(),
            self.bedside.patient_key
        ))?;
        say(format_args!("  wristband   {}", self.bedside.wristband))?;
        for (index, barcode) in self.bedside.unit_barcodes.iter().enumerate() {
            let heading = if index == 0 { "unit label" } else { "" };
            say(format_args!("  {heading:<11} {barcode}"))?;
        }
        Ok(())
    }

    fn patient_name(&self) -> &str {
        self.patients
            .iter()
            .find(|patient| patient.id == self.bedside.patient_id)
            .map_or("the patient", |patient| patient.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_one_a_local_browser_opens() {
        let at = |text: &str| text.parse::<SocketAddr>().ok().map(url);
        assert_eq!(
            at("127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080/")
        );
        assert_eq!(at("0.0.0.0:80").as_deref(), Some("http://127.0.0.1:80/"));
        assert_eq!(at("[::]:8443").as_deref(), Some("http://[::1]:8443/"));
        assert_eq!(
            at("192.0.2.7:8080").as_deref(),
            Some("http://192.0.2.7:8080/")
        );
    }
}
