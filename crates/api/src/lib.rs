//! cordtrace-api.
