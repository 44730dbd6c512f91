//! Store commands of release testing and QA disposition.
