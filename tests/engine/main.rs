//! Engine integration tests: real SQLCipher vaults in temporary folders, real age key slots,
//! real signed bundles. The `kasane` command has its own in crates/kasane-cli/tests. One test
//! binary keeps the build fast.

mod agenda;
mod archive;
mod audit;
mod backup;
mod consents;
mod convergence;
mod cycle;
mod disclosures;
mod exchange;
mod hostile;
mod layers;
mod leavers;
mod log;
mod meetings;
mod migrations;
mod partners;
mod reader;
mod records;
mod remits;
mod requests;
mod retention;
mod rosters;
mod rotation;
mod search;
mod statistics;
mod support;
mod tamper;
mod vault;
mod vectors;
mod words;
