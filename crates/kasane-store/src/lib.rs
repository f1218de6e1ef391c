//! The storage layer of Kasane: the vault's key slots, its SQLCipher schema and forward-only
//! migrations, the operation log (signed-to-be ops in hash-chained series, and the state derived
//! from them in the same transaction), the hash-chained audit trail, the search index's storage,
//! injected time and randomness, and durable file writes. It knows nothing of households, cases
//! or partners: what a record means, who may write it and what a search document says are given
//! from above, so the layering is enforced by Cargo.
#![forbid(unsafe_code)]

pub mod audit;
pub mod clock;
pub mod durable;
mod error;
pub mod hash;
pub mod index;
pub mod keyring;
pub mod log;
pub mod migrate;
pub mod peers;

pub use error::{Kind, StoreError, is_busy};
