//! Files that hold secrets (signing keys): a directory only the owner can enter, files only the
//! owner can read, written atomically, and a check that refuses a file others can read.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Creates `dir` (and its parents) with mode 0700 when missing.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

/// Opens `path` for writing (created or truncated) with mode 0600.
pub fn open_private_file(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes `bytes` to `path` with mode 0600 through a temporary file and a rename, so a crash
/// never leaves a half-written secret behind. The parent directory is created with mode 0700.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let mut file = open_private_file(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&tmp, path)
}

/// The permission bits of `path` when users other than the owner may read or write it
/// (`None` when the file is private, and always on systems without Unix modes).
pub fn open_permissions(path: &Path) -> io::Result<Option<u32>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)?.permissions().mode() & 0o777;
        Ok((mode & 0o077 != 0).then_some(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(None)
    }
}

/// Why a 32-byte key file could not be used; `what` names the key for the operator.
#[cfg(feature = "auth")]
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read or write the {what} {path}: {cause}")]
    Io {
        what: &'static str,
        path: String,
        cause: io::Error,
    },
    #[error("the {what} {path} can be read by other users (mode {mode:o}); run chmod 600 on it")]
    PermissionsTooOpen {
        what: &'static str,
        path: String,
        mode: u32,
    },
    #[error("the {what} {path} is damaged: it must hold 64 hexadecimal digits")]
    Damaged { what: &'static str, path: String },
}

/// Loads a 32-byte key kept as 64 hex digits at `path`, creating it from the OS random source
/// (mode 0600, directory 0700) on first use. A file others can read, or one that does not
/// hold 64 hex digits, is refused with its path; `what` names the key in the error.
#[cfg(feature = "auth")]
pub fn load_or_create_key(
    path: &Path,
    what: &'static str,
) -> Result<zeroize::Zeroizing<[u8; 32]>, KeyFileError> {
    use zeroize::Zeroizing;
    let shown = path.display().to_string();
    let io = |cause| KeyFileError::Io {
        what,
        path: shown.clone(),
        cause,
    };
    if path.exists() {
        if let Some(mode) = open_permissions(path).map_err(io)? {
            return Err(KeyFileError::PermissionsTooOpen {
                what,
                path: shown,
                mode,
            });
        }
        let text = Zeroizing::new(fs::read_to_string(path).map_err(io)?);
        let mut key = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), key.as_mut_slice()).map_err(|_| {
            KeyFileError::Damaged {
                what,
                path: shown.clone(),
            }
        })?;
        Ok(key)
    } else {
        let key = Zeroizing::new(crate::auth::secret::random_bytes::<32>());
        let mut text = Zeroizing::new(hex::encode(key.as_slice()));
        text.push('\n');
        write_private_file(path, text.as_bytes()).map_err(io)?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_files_are_private_and_complete() {
        let dir = std::env::temp_dir().join(format!("portfront-private-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let path = dir.join("nested").join("secret.key");
        write_private_file(&path, b"first").unwrap();
        write_private_file(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(open_permissions(&path).unwrap(), None);
        assert!(!path.with_file_name("secret.key.tmp").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
            assert_eq!(open_permissions(&path).unwrap(), Some(0o644));
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(feature = "auth")]
    #[test]
    fn key_files_are_created_once_and_checked() {
        let dir = std::env::temp_dir().join(format!("portfront-key-file-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let path = dir.join("keys").join("k.key");
        let a = load_or_create_key(&path, "test key").unwrap();
        let b = load_or_create_key(&path, "test key").unwrap();
        assert_eq!(*a, *b);
        fs::write(&path, "nothex").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        }
        let e = load_or_create_key(&path, "test key").unwrap_err();
        assert!(matches!(e, KeyFileError::Damaged { .. }), "{e}");
        assert!(e.to_string().starts_with("the test key "), "{e}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
            assert!(matches!(
                load_or_create_key(&path, "test key"),
                Err(KeyFileError::PermissionsTooOpen { mode: 0o640, .. })
            ));
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
