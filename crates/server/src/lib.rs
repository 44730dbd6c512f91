//! cordtrace-server.
