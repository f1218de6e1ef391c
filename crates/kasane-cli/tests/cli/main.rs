//! Tests of the `kasane` command: the real binary on real SQLCipher vaults in temporary folders,
//! its exit codes, JSON and text output, and an import killed at every point it acknowledges.
//! One test binary keeps the build fast.

mod archive;
mod commands;
mod crash;
mod demo;
mod partners;
mod reader;
mod requests;
mod run;
mod stats;
#[path = "../../../../tests/engine/support.rs"]
mod support;
