//! Engine and CLI integration tests: real SQLCipher vaults in temporary folders, real age key
//! slots, the real `kasane` binary. One test binary keeps the build fast.

mod audit;
mod cli;
mod convergence;
mod crash;
mod exchange;
mod hostile;
mod log;
mod meetings;
mod migrations;
mod partners;
mod reader;
mod records;
mod search;
mod support;
mod tamper;
mod vault;
mod vectors;
mod words;
