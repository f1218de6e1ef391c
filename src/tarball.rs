//! The open archive's container: a plain tar encrypted with an age passphrase, written beside its
//! destination under a hidden temporary name and renamed into place only when it is whole, so the
//! name the user chose holds a complete archive or nothing. It knows nothing of records: it takes
//! named files, notes each one's size and SHA-256 for the manifest, and never puts plaintext on
//! disk (the tar goes through the age encryptor on its way to the file).
//!
//! What goes inside, and why the readers are the standard `age` and `tar` tools, is
//! docs/archive-format.md; the contents are written by `archive`.

use std::{
    collections::BTreeSet,
    fs::File,
    io::BufWriter,
    path::{Path, PathBuf},
};

use age::secrecy::SecretString;
use kasane_store::Kind;
use sha2::{Digest, Sha256};

use crate::durable;

/// The scrypt cost of the archive's passphrase (2^18, 256 MiB): the cost the reference `age` tool
/// itself uses for a passphrase, so any machine that can run `age` opens the archive, while a
/// guess still costs a second. Fixed rather than calibrated: the PC that reads the archive in ten
/// years is not the one that wrote it.
pub(crate) const SCRYPT_LOG_N: u8 = 18;

/// Why the archive could not be written. Whatever the reason, nothing is left under the name
/// asked for, and no plaintext was ever written to disk.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{} already exists; choose another file name (an archive is never written over a file)", .0.display())]
    Exists(PathBuf),
    #[error("{} is inside the case records folder; write the archive somewhere else (a USB stick, a file server)", .0.display())]
    InsideVault(PathBuf),
    #[error("cannot write the archive in {}: {source}", path.display())]
    Destination { path: PathBuf, source: std::io::Error },
    #[error("writing the archive {} failed ({source}); nothing was left under that name", path.display())]
    Write { path: PathBuf, source: std::io::Error },
}

impl ArchiveError {
    pub fn kind(&self) -> Kind {
        match self {
            // The user's to fix: another name or another place.
            ArchiveError::Exists(_) | ArchiveError::InsideVault(_) | ArchiveError::Destination { .. } => Kind::BadInput,
            ArchiveError::Write { .. } => Kind::Internal,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ArchiveError::Exists(_) => "archive.exists",
            ArchiveError::InsideVault(_) => "archive.inside-vault",
            ArchiveError::Destination { .. } => "archive.destination",
            ArchiveError::Write { .. } => "archive.write",
        }
    }

    /// The message in Japanese, as a case worker reads it: what happened and what to do.
    pub fn message_ja(&self) -> String {
        match self {
            ArchiveError::Exists(p) => {
                format!(
                    "{} はすでにあります。別のファイル名を指定してください（上書きはしません）",
                    p.display()
                )
            }
            ArchiveError::InsideVault(p) => format!(
                "{} は記録データのフォルダの中です。USBメモリやファイルサーバーなど、別の場所を指定してください",
                p.display()
            ),
            ArchiveError::Destination { path, source } => format!(
                "{} に出力ファイルを作れません（{}）。フォルダがあるか、書き込めるかを確かめてください",
                path.display(),
                match source.kind() {
                    std::io::ErrorKind::NotFound => "フォルダが見つかりません",
                    std::io::ErrorKind::PermissionDenied => "書き込む権限がありません",
                    _ => "書き込めません",
                }
            ),
            ArchiveError::Write { path, .. } => format!(
                "{} への出力が途中で失敗しました（空き容量が足りないか、USBメモリが外された可能性があります）。そのファイル名には何も残していません",
                path.display()
            ),
        }
    }
}

/// One file of the archive as the manifest lists it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

type Sink = tar::Builder<age::stream::StreamWriter<BufWriter<File>>>;

/// An archive being written. Dropped before [`Tarball::finish`] (an error, a panic), it removes
/// its temporary file, so a failure leaves nothing.
pub(crate) struct Tarball {
    out: PathBuf,
    tmp: PathBuf,
    /// None once finished or failed; closed before the temporary file is removed (Windows cannot
    /// remove an open file).
    sink: Option<Sink>,
    mtime: u64,
    folders: BTreeSet<String>,
    entries: Vec<Entry>,
}

impl Tarball {
    /// Starts an archive that will be named `out`, refusing a name already taken. `mtime` (seconds
    /// since 1970) is given to every member; `salt` makes the temporary name unique.
    pub(crate) fn create(
        out: &Path,
        passphrase: &SecretString,
        mtime: u64,
        salt: u64,
    ) -> Result<Tarball, ArchiveError> {
        if out.symlink_metadata().is_ok() {
            return Err(ArchiveError::Exists(out.to_path_buf()));
        }
        let dir = folder_of(out);
        let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("archive");
        let tmp = dir.join(format!(".{name}.{salt:016x}.tmp"));
        let file = durable::create_new_private(&tmp).map_err(|source| ArchiveError::Destination {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut t = Tarball {
            out: out.to_path_buf(),
            tmp,
            sink: None,
            mtime,
            folders: BTreeSet::new(),
            entries: Vec::new(),
        };
        let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
        recipient.set_work_factor(SCRYPT_LOG_N);
        let writer = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| t.failed(std::io::Error::other(e.to_string())))?
            .wrap_output(BufWriter::with_capacity(1 << 20, file))
            .map_err(|e| t.failed(e))?;
        t.sink = Some(tar::Builder::new(writer));
        Ok(t)
    }

    fn failed(&self, source: std::io::Error) -> ArchiveError {
        ArchiveError::Write {
            path: self.out.clone(),
            source,
        }
    }

    /// Adds a file at `path` (relative, `/`-separated, ASCII), with a folder entry for each
    /// folder above it the first time one appears, so `tar -xf` makes them owner-only too.
    pub(crate) fn add(&mut self, path: &str, bytes: &[u8]) -> Result<(), ArchiveError> {
        let mut folders = Vec::new();
        let mut at = 0;
        while let Some(i) = path[at..].find('/') {
            at += i + 1;
            folders.push(path[..at].to_string());
        }
        for f in folders {
            if self.folders.insert(f.clone()) {
                self.append(&f, tar::EntryType::Directory, 0o700, &[])?;
            }
        }
        self.append(path, tar::EntryType::Regular, 0o600, bytes)?;
        self.entries.push(Entry {
            path: path.to_string(),
            bytes: bytes.len() as u64,
            sha256: hex(&Sha256::digest(bytes)),
        });
        Ok(())
    }

    fn append(&mut self, path: &str, kind: tar::EntryType, mode: u32, bytes: &[u8]) -> Result<(), ArchiveError> {
        let mut h = tar::Header::new_ustar();
        let result = (|| {
            h.set_path(path)?;
            h.set_entry_type(kind);
            h.set_size(bytes.len() as u64);
            h.set_mode(mode);
            h.set_mtime(self.mtime);
            h.set_uid(0);
            h.set_gid(0);
            h.set_cksum();
            match self.sink.as_mut() {
                Some(sink) => sink.append(&h, bytes),
                None => Err(std::io::Error::other("the archive is already closed")),
            }
        })();
        result.map_err(|e| self.failed(e))
    }

    /// The files added so far, in order.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Ends the tar and the encryption and makes the file durable, still under its temporary
    /// name. Returns the archive's size in bytes.
    pub(crate) fn seal(&mut self) -> Result<u64, ArchiveError> {
        let sink = self
            .sink
            .take()
            .ok_or_else(|| self.failed(std::io::Error::other("the archive is already closed")))?;
        let result = (|| {
            let encrypted = sink.into_inner()?;
            let buffered = encrypted.finish()?;
            let file = buffered.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            file.metadata().map(|m| m.len())
        })();
        result.map_err(|e| self.failed(e))
    }

    /// Gives the sealed archive its name, refused if the name was taken while it was written.
    pub(crate) fn place(mut self) -> Result<(), ArchiveError> {
        if self.sink.is_some() {
            return Err(self.failed(std::io::Error::other("the archive is not sealed")));
        }
        // `rename` would replace a file that appeared meanwhile; the name stays its owner's.
        if self.out.symlink_metadata().is_ok() {
            return Err(ArchiveError::Exists(self.out.clone()));
        }
        std::fs::rename(&self.tmp, &self.out).map_err(|e| self.failed(e))?;
        // Renamed: nothing for Drop to remove.
        self.tmp = PathBuf::new();
        // The file itself is synced; syncing the folder makes the new name survive a power cut.
        // Some file servers refuse a folder sync, and the archive is complete either way.
        let _ = durable::sync_dir(folder_of(&self.out));
        Ok(())
    }
}

impl Drop for Tarball {
    fn drop(&mut self) {
        // Closed first: Windows cannot remove an open file. An empty path means it was renamed.
        drop(self.sink.take());
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// The folder a file is written in ("." for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Lowercase hexadecimal, as the manifest writes hashes.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_archive_leaves_nothing_and_a_finished_one_reads_back() {
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a.tar.age");
        let pass = SecretString::from("a passphrase for the test".to_string());
        let mut t = Tarball::create(&out, &pass, 1_700_000_000, 1).unwrap();
        t.add("records/x.jsonl", b"{}\n").unwrap();
        drop(t);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing is left behind"
        );

        let mut t = Tarball::create(&out, &pass, 1_700_000_000, 2).unwrap();
        t.add("README.txt", "かさね\n".as_bytes()).unwrap();
        t.add("records/x.jsonl", b"{}\n").unwrap();
        assert_eq!(t.entries()[1].sha256, hex(&Sha256::digest(b"{}\n")));
        t.seal().unwrap();
        t.place().unwrap();
        assert!(matches!(
            Tarball::create(&out, &pass, 0, 3),
            Err(ArchiveError::Exists(_))
        ));

        let file = std::fs::File::open(&out).unwrap();
        let dec = age::Decryptor::new(file).unwrap();
        let id = age::scrypt::Identity::new(pass);
        let plain = dec.decrypt(std::iter::once(&id as &dyn age::Identity)).unwrap();
        let mut names = Vec::new();
        let mut tar = tar::Archive::new(plain);
        for e in tar.entries().unwrap() {
            let mut e = e.unwrap();
            let name = e.path().unwrap().display().to_string();
            let mut body = String::new();
            e.read_to_string(&mut body).unwrap();
            names.push((name, body));
        }
        assert_eq!(
            names,
            vec![
                ("README.txt".to_string(), "かさね\n".to_string()),
                ("records/".to_string(), String::new()),
                ("records/x.jsonl".to_string(), "{}\n".to_string()),
            ]
        );
    }
}
