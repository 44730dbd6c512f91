//! Logging set-up: the filter and the subscriber. Metrics are [`crate::exposition`]'s.

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// What is logged unless the configuration says otherwise: cordtrace and the requests at info,
/// the libraries' chatter (the migrator lists every migration it checks; sqlx every statement)
/// at warn.
pub const DEFAULT_LOG_DIRECTIVES: [&str; 3] = ["info", "sea_orm_migration=warn", "sqlx=warn"];

/// What a directive filters: the part before `=`, empty for a bare level such as `warn`.
fn directive_target(directive: &str) -> &str {
    directive.split_once('=').map_or("", |(target, _)| target)
}

/// The filter of the configured `log_level`: its directives added to the defaults, a default
/// kept unless the configuration names the same target (`warn` replaces the default level,
/// `sqlx=info` the default for sqlx, `cordtrace=debug` only adds). An invalid directive is an
/// error: a filter silently replaced would hide what the operator asked for.
pub fn log_filter(configured: &str) -> Result<EnvFilter, String> {
    let configured_directives: Vec<&str> = configured
        .split(',')
        .map(str::trim)
        .filter(|directive| !directive.is_empty())
        .collect();
    let directives: Vec<&str> = DEFAULT_LOG_DIRECTIVES
        .into_iter()
        .filter(|default| {
            configured_directives
                .iter()
                .all(|directive| directive_target(directive) != directive_target(default))
        })
        .chain(configured_directives.iter().copied())
        .collect();
    EnvFilter::builder()
        .parse(directives.join(","))
        .map_err(|error| format!("log_level {configured:?} is not a valid log filter: {error}"))
}

/// Installs the log subscriber once per process; later calls (tests) keep the first one.
/// Colour only when standard error is a terminal: escapes in a log file are noise.
pub fn init_logging(format: LogFormat, filter: EnvFilter) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _already_installed = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_filter_adds_to_the_defaults_and_an_invalid_one_is_refused() {
        let added = log_filter("cordtrace=debug").expect("a filter").to_string();
        assert!(added.contains("sea_orm_migration=warn"), "{added}");
        assert!(added.contains("cordtrace=debug"), "{added}");
        assert_eq!(
            log_filter("cordtrace=debug")
                .expect("a filter")
                .max_level_hint(),
            Some(tracing::level_filters::LevelFilter::DEBUG)
        );
        let default = log_filter("").expect("a filter").to_string();
        assert!(default.contains("sqlx=warn"), "{default}");
        // A bare level replaces the default one, and the libraries stay at warn.
        let quiet = log_filter("warn").expect("a filter");
        assert_eq!(
            quiet.max_level_hint(),
            Some(tracing::level_filters::LevelFilter::WARN)
        );
        assert!(quiet.to_string().contains("sea_orm_migration=warn"));
        let chatty = log_filter("sqlx=info").expect("a filter").to_string();
        assert!(!chatty.contains("sqlx=warn"), "{chatty}");
        let refused = log_filter("cordtrace=loud").expect_err("refused");
        assert!(refused.contains("cordtrace=loud"), "{refused}");
    }
}
