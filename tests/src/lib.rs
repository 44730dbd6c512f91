//! cordtrace end-to-end tests.
