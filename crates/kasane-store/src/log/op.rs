//! The operation: the one unit of change. Its header and body are JSON bytes fixed when the
//! author writes them; the op hash covers the header, the header covers the body by its hash,
//! so a purged body (NULL) leaves every hash and signature verifiable.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{Hlc, Scope};
use crate::hash::Hash32;

/// The op header format this build writes and fully understands. Version 2: record ids are
/// derived from the op that creates the record (docs/vault-format.md), so a record belongs to one
/// scope by construction.
pub const OP_VERSION: u32 = 2;

/// Domain-separated hashes, so an op hash can never be confused with any other hash we make.
pub fn header_hash(header: &[u8]) -> Hash32 {
    Hash32(
        *blake3::Hasher::new_derive_key("kasane op header v1")
            .update(header)
            .finalize()
            .as_bytes(),
    )
}
pub fn body_hash(body: &[u8]) -> Hash32 {
    Hash32(
        *blake3::Hasher::new_derive_key("kasane op body v1")
            .update(body)
            .finalize()
            .as_bytes(),
    )
}

/// What an op does to its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OpKind {
    /// Brings the entity into being (type, parent) and sets its first fields.
    Create,
    /// Sets fields; `prev` names the live ops of those fields that the author had seen.
    Set,
}

/// The parsed header. Fields a newer version adds are ignored here but survive in the stored
/// bytes, which are what we hash, sign and forward.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub v: u32,
    pub id: Uuid,
    pub site: Uuid,
    #[serde(with = "scope_text")]
    pub scope: Scope,
    pub seq: u64,
    pub hlc: Hlc,
    /// Hash of the previous op of this (site, scope) series; zero for seq 1.
    pub chain: Hash32,
    pub kind: OpKind,
    pub etype: String,
    pub entity: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Uuid>,
    pub prev: Vec<Uuid>,
    /// The worker who made the change.
    pub by: Uuid,
    /// Hash of the body bytes.
    pub body: Hash32,
}

mod scope_text {
    use super::Scope;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(s: &Scope, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_str(s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Scope, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An op as stored: exact bytes plus what we parsed from them.
#[derive(Debug, Clone)]
pub struct Op {
    pub header: Header,
    pub header_bytes: Vec<u8>,
    /// None once purged.
    pub body: Option<Vec<u8>>,
    pub hash: Hash32,
}

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("an operation header is not valid JSON of the expected shape: {0}")]
    Header(serde_json::Error),
    #[error("an operation body is not a JSON object of fields: {0}")]
    Body(serde_json::Error),
    #[error("operation {0}: the body does not match the hash in its header")]
    BodyHash(Uuid),
}

impl Op {
    /// Seals a new op: serialises header and body once; these bytes are final.
    pub fn seal(mut header: Header, fields: &Map<String, Value>) -> Op {
        // Serialising a map of JSON values cannot fail.
        let body = serde_json::to_vec(fields).unwrap_or_default();
        header.body = body_hash(&body);
        let header_bytes = serde_json::to_vec(&header).unwrap_or_default();
        let hash = header_hash(&header_bytes);
        Op {
            header,
            header_bytes,
            body: Some(body),
            hash,
        }
    }

    /// Parses stored or received bytes; checks the body against its hash when present.
    pub fn from_bytes(header_bytes: Vec<u8>, body: Option<Vec<u8>>) -> Result<Op, OpError> {
        let header: Header = serde_json::from_slice(&header_bytes).map_err(OpError::Header)?;
        if let Some(b) = &body {
            if body_hash(b) != header.body {
                return Err(OpError::BodyHash(header.id));
            }
        }
        let hash = header_hash(&header_bytes);
        Ok(Op {
            header,
            header_bytes,
            body,
            hash,
        })
    }

    /// The fields this op sets, or None when the body was purged.
    pub fn fields(&self) -> Result<Option<Map<String, Value>>, OpError> {
        match &self.body {
            None => Ok(None),
            Some(b) => serde_json::from_slice(b).map(Some).map_err(OpError::Body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            v: OP_VERSION,
            id: Uuid::from_u128(1),
            site: Uuid::from_u128(2),
            scope: Scope::Directory,
            seq: 1,
            hlc: Hlc::new(1_700_000_000_000, 0),
            chain: Hash32::ZERO,
            kind: OpKind::Create,
            etype: "agency".into(),
            entity: Uuid::from_u128(3),
            parent: None,
            prev: vec![],
            by: Uuid::from_u128(4),
            body: Hash32::ZERO,
        }
    }

    #[test]
    fn sealed_bytes_parse_back_and_keep_their_hash() {
        let mut fields = Map::new();
        fields.insert("name".into(), Value::from("福祉総務課"));
        let op = Op::seal(header(), &fields);
        let back = Op::from_bytes(op.header_bytes.clone(), op.body.clone()).expect("own bytes parse");
        assert_eq!(
            back.hash, op.hash,
            "the hash is over the exact bytes, so it must not change on re-reading"
        );
        assert_eq!(back.fields().ok().flatten(), Some(fields));
    }

    #[test]
    fn a_changed_body_is_refused_and_unknown_header_fields_are_tolerated() {
        let fields = Map::new();
        let op = Op::seal(header(), &fields);
        assert!(
            matches!(
                Op::from_bytes(op.header_bytes.clone(), Some(b"{\"x\":1}".to_vec())),
                Err(OpError::BodyHash(_))
            ),
            "a body that is not the one the header names must be refused"
        );
        let mut v: Value = serde_json::from_slice(&op.header_bytes).expect("json");
        v["added_in_v2"] = Value::from(true);
        let newer = serde_json::to_vec(&v).expect("json");
        let parsed = Op::from_bytes(newer.clone(), op.body.clone()).expect("newer headers still parse");
        assert_eq!(
            parsed.header_bytes, newer,
            "unknown fields survive because the bytes are kept as they came"
        );
    }

    #[test]
    fn hex_round_trips() {
        let h = body_hash(b"x");
        assert_eq!(Hash32::from_hex(&h.hex()), Some(h));
        assert_eq!(Hash32::from_hex("zz"), None);
    }
}
