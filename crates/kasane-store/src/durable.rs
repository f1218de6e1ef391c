//! Writing small files so that a crash or power cut leaves either the old file or the new one,
//! never a torn mix: write a sibling, fsync it, rename over, fsync the folder.
//!
//! Where the system has Unix modes, everything Kasane writes is its owner's alone: files 0600,
//! folders 0700 (Windows: the folder's ACL applies, which under the user's profile is the user's).

use std::{
    fs::{self, File, OpenOptions},
    io::{self, Write},
    path::Path,
};

/// The mode of every file Kasane writes (Unix).
pub(crate) const PRIVATE_FILE: u32 = 0o600;
/// The mode of every folder Kasane makes in a vault (Unix).
pub(crate) const PRIVATE_DIR: u32 = 0o700;

/// Opens a new file for writing, owner-only from the moment it exists.
fn create_private(path: &Path, create_new: bool) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true);
    if create_new {
        o.create_new(true);
    } else {
        o.create(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(PRIVATE_FILE);
    }
    o.open(path)
}

/// Creates an empty file that is its owner's alone (fails if it exists): the database is created
/// this way before SQLite opens it, and SQLite gives its WAL and shared-memory files the
/// database's mode.
pub fn create_private_file(path: &Path) -> io::Result<()> {
    create_private(path, true).map(drop)
}

/// Creates a folder (and any missing parents) owner-only, and makes it owner-only if it was there
/// (best effort, as in [`tighten`]: a FAT stick refuses modes and the folder is still used).
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        b.mode(PRIVATE_DIR);
        b.create(path)?;
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(PRIVATE_DIR));
        Ok(())
    }
    #[cfg(not(unix))]
    {
        b.create(path)
    }
}

/// Makes everything under `dir` (and `dir` itself) owner-only: folders 0700, files 0600, for
/// vaults made before Kasane set those modes. Links inside it are left alone. Best effort: a file
/// system without Unix modes (a FAT stick) refuses the change, and the files stay encrypted
/// anyway, so a refusal does not stop the vault from opening.
pub fn tighten(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            // The vault folder itself may be reached through a link; inside it only real
            // folders are pushed.
            let Ok(meta) = fs::metadata(&d) else { continue };
            if !meta.is_dir() {
                continue;
            }
            if meta.permissions().mode() & 0o777 != PRIVATE_DIR {
                let _ = fs::set_permissions(&d, fs::Permissions::from_mode(PRIVATE_DIR));
            }
            let Ok(entries) = fs::read_dir(&d) else { continue };
            for e in entries.flatten() {
                // file_type does not follow links: a link is neither a folder nor a file here.
                let Ok(kind) = e.file_type() else { continue };
                if kind.is_dir() {
                    stack.push(e.path());
                } else if kind.is_file()
                    && e.metadata()
                        .is_ok_and(|m| m.permissions().mode() & 0o777 != PRIVATE_FILE)
                {
                    let _ = fs::set_permissions(e.path(), fs::Permissions::from_mode(PRIVATE_FILE));
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
}

/// Writes `bytes` to `path` durably (see the module comment); the file is its owner's alone.
pub fn replace(path: &Path, bytes: &[u8], salt: u64) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{salt:016x}.tmp"));
    let result = (|| {
        let mut f = create_private(&tmp, false)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Creates a new file (refused if the name exists) that is its owner's alone from the moment it
/// exists, for a file too large to hold in memory: the caller writes it in pieces, syncs it, and
/// renames it into place with [`sync_dir`] after, as [`replace`] does for small files.
pub fn create_new_private(path: &Path) -> io::Result<File> {
    create_private(path, true)
}

/// Makes a rename or a new file in `dir` durable. Windows has no directory handles to sync;
/// NTFS journals the rename itself.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
