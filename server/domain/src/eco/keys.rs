//! Ed25519 signing keys for e-COs: generation, loading from a 0600 file under the data directory
//! or from configuration, Multikey encodings, and rotation that keeps retired public keys.
//!
//! Secrets never leave this module in printable form: `IssuerKey`'s `Debug` shows the public key
//! only, and the private multibase text is handed out wrapped in `Zeroizing`.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::TryRngCore;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::private_file::{create_private_dir, open_permissions, write_private_file};

/// Multicodec header of an Ed25519 public key (`ed25519-pub`, varint 0xed).
const ED25519_PUB_HEADER: [u8; 2] = [0xed, 0x01];
/// Multicodec header of an Ed25519 private key (`ed25519-priv`, varint 0x1300).
const ED25519_PRIV_HEADER: [u8; 2] = [0x80, 0x26];

/// File name of the current signing key inside `<data dir>/keys/`.
pub const CURRENT_KEY_FILE: &str = "eco-signing.key";
/// File listing retired public keys (one `publicKeyMultibase retiredAt` per line).
pub const RETIRED_KEYS_FILE: &str = "eco-retired-keys.txt";

/// Why a key could not be made, read or used.
#[derive(Debug, Error)]
pub enum KeyError {
    #[error("the private key is not multibase base58btc text starting with z")]
    NotMultibase,
    #[error("the private key is not an Ed25519 key (multicodec 0x8026 followed by 32 bytes)")]
    NotEd25519Private,
    #[error(
        "\u{201c}{0}\u{201d} is not an Ed25519 Multikey (z + base58btc of 0xed01 and 32 bytes)"
    )]
    NotEd25519Public(String),
    #[error("the key bytes are not a valid Ed25519 public key")]
    InvalidPublicKey,
    #[error("{path}: the key file is readable by other users (mode {mode:o}); run chmod 600 on it")]
    PermissionsTooOpen { path: String, mode: u32 },
    #[error("{path}: {cause}")]
    Io { path: String, cause: std::io::Error },
    #[error("the operating system's random generator failed: {0}")]
    Random(String),
    #[error("{path} line {line}: {message}")]
    RetiredList {
        path: String,
        line: usize,
        message: String,
    },
}

/// The private key that signs e-COs. `Debug` never prints the secret.
pub struct IssuerKey {
    signing: SigningKey,
    public_multibase: String,
}

impl IssuerKey {
    /// A fresh key from the operating system's random generator.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng
            .try_fill_bytes(seed.as_mut())
            .map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Self::from_secret_bytes(&seed))
    }

    /// The key for a 32-byte Ed25519 seed (deterministic; tests and golden files use this).
    pub fn from_secret_bytes(seed: &[u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(seed);
        let public_multibase = public_key_multibase(&signing.verifying_key());
        Self {
            signing,
            public_multibase,
        }
    }

    /// Reads `privateKeyMultibase` text: `z` + base58btc(0x80 0x26 ‖ 32-byte seed), the form
    /// used by the W3C test vectors and by `PORTFRONT_…` configuration.
    pub fn from_private_multibase(text: &str) -> Result<Self, KeyError> {
        let rest = text
            .trim()
            .strip_prefix('z')
            .ok_or(KeyError::NotMultibase)?;
        let bytes = Zeroizing::new(
            bs58::decode(rest)
                .into_vec()
                .map_err(|_| KeyError::NotMultibase)?,
        );
        if bytes.len() != 34 || bytes[..2] != ED25519_PRIV_HEADER {
            return Err(KeyError::NotEd25519Private);
        }
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&bytes[2..]);
        Ok(Self::from_secret_bytes(&seed))
    }

    /// The private key as `privateKeyMultibase` text, for writing to the key file.
    pub fn to_private_multibase(&self) -> Zeroizing<String> {
        let mut bytes = Zeroizing::new(Vec::with_capacity(34));
        bytes.extend_from_slice(&ED25519_PRIV_HEADER);
        bytes.extend_from_slice(self.signing.as_bytes());
        Zeroizing::new(format!("z{}", bs58::encode(bytes.as_slice()).into_string()))
    }

    /// `publicKeyMultibase`: `z` + base58btc(0xed 0x01 ‖ public key).
    pub fn public_key_multibase(&self) -> &str {
        &self.public_multibase
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The DID URL of this key under `did`: `did#<publicKeyMultibase>`.
    pub fn verification_method(&self, did: &str) -> String {
        format!("{did}#{}", self.public_multibase)
    }

    /// A raw Ed25519 signature (for measurements and other Data Integrity suites).
    pub fn sign_bytes(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer;
        self.signing.sign(message).to_bytes()
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.signing
    }
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuerKey")
            .field("public_key_multibase", &self.public_multibase)
            .finish_non_exhaustive()
    }
}

/// `z` + base58btc(0xed 0x01 ‖ key).
pub fn public_key_multibase(key: &VerifyingKey) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&ED25519_PUB_HEADER);
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// Decodes a Multikey `publicKeyMultibase`, refusing anything that is not Ed25519.
pub fn decode_public_key_multibase(text: &str) -> Result<VerifyingKey, KeyError> {
    let not_ed = || KeyError::NotEd25519Public(text.chars().take(60).collect());
    let rest = text.strip_prefix('z').ok_or_else(not_ed)?;
    let bytes = bs58::decode(rest).into_vec().map_err(|_| not_ed())?;
    if bytes.len() != 34 || bytes[..2] != ED25519_PUB_HEADER {
        return Err(not_ed());
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&bytes[2..]);
    VerifyingKey::from_bytes(&key).map_err(|_| KeyError::InvalidPublicKey)
}

/// A public key that no longer signs but stays in the DID document so that credentials it
/// signed keep verifying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetiredKey {
    pub public_key_multibase: String,
    pub retired_at: DateTime<Utc>,
}

/// The issuer's keys: the one that signs now and those retired by rotation.
#[derive(Debug)]
pub struct KeyRing {
    pub current: IssuerKey,
    pub retired: Vec<RetiredKey>,
}

impl KeyRing {
    pub fn new(current: IssuerKey) -> Self {
        Self {
            current,
            retired: Vec::new(),
        }
    }

    /// Makes `next` the signing key; the old public key is kept as retired.
    pub fn rotate(&mut self, next: IssuerKey, at: DateTime<Utc>) {
        let old = std::mem::replace(&mut self.current, next);
        self.retired.push(RetiredKey {
            public_key_multibase: old.public_key_multibase().to_owned(),
            retired_at: at,
        });
    }

    /// Every public key to publish, current first.
    pub fn public_keys(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.current.public_key_multibase())
            .chain(self.retired.iter().map(|r| r.public_key_multibase.as_str()))
    }
}

/// Keys kept as files in `<data dir>/keys/`: the current key (mode 0600) and the list of retired
/// public keys. The server passes `PORTFRONT_DATA_DIR`; nothing here picks a path by itself.
#[derive(Debug, Clone)]
pub struct KeyDirectory {
    dir: PathBuf,
}

impl KeyDirectory {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("keys"),
        }
    }

    pub fn current_key_path(&self) -> PathBuf {
        self.dir.join(CURRENT_KEY_FILE)
    }

    /// Loads the key ring, generating and storing a key on first start.
    pub fn load_or_generate(&self) -> Result<KeyRing, KeyError> {
        let path = self.current_key_path();
        let current = if path.exists() {
            read_key_file(&path)?
        } else {
            let key = IssuerKey::generate()?;
            self.write_current(&key)?;
            key
        };
        Ok(KeyRing {
            current,
            retired: self.read_retired()?,
        })
    }

    /// Generates a new key, records the old public key as retired and stores both.
    pub fn rotate(&self, ring: &mut KeyRing, at: DateTime<Utc>) -> Result<(), KeyError> {
        let next = IssuerKey::generate()?;
        let retired = RetiredKey {
            public_key_multibase: ring.current.public_key_multibase().to_owned(),
            retired_at: at,
        };
        // Append the retired key first: a crash in between leaves the old key current and
        // listed twice, never a signing key that the DID document has forgotten.
        self.append_retired(&retired)?;
        self.write_current(&next)?;
        ring.rotate(next, at);
        Ok(())
    }

    fn write_current(&self, key: &IssuerKey) -> Result<(), KeyError> {
        let path = self.current_key_path();
        let mut text = Zeroizing::new(key.to_private_multibase());
        text.push('\n');
        write_private_file(&path, text.as_bytes()).map_err(|cause| KeyError::Io {
            path: path.display().to_string(),
            cause,
        })
    }

    fn append_retired(&self, key: &RetiredKey) -> Result<(), KeyError> {
        create_private_dir(&self.dir).map_err(|cause| KeyError::Io {
            path: self.dir.display().to_string(),
            cause,
        })?;
        let path = self.dir.join(RETIRED_KEYS_FILE);
        let io = |cause| KeyError::Io {
            path: path.display().to_string(),
            cause,
        };
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io)?;
        writeln!(
            file,
            "{} {}",
            key.public_key_multibase,
            key.retired_at.to_rfc3339_opts(SecondsFormat::Secs, true)
        )
        .map_err(io)
    }

    fn read_retired(&self) -> Result<Vec<RetiredKey>, KeyError> {
        let path = self.dir.join(RETIRED_KEYS_FILE);
        if !path.exists() {
            return Ok(Vec::new());
        }
        let text = fs::read_to_string(&path).map_err(|cause| KeyError::Io {
            path: path.display().to_string(),
            cause,
        })?;
        let mut out = Vec::new();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let bad = |message: &str| KeyError::RetiredList {
                path: path.display().to_string(),
                line: n + 1,
                message: message.to_owned(),
            };
            let (key, at) = line
                .split_once(' ')
                .ok_or_else(|| bad("expected \u{201c}publicKeyMultibase retiredAt\u{201d}"))?;
            decode_public_key_multibase(key).map_err(|e| bad(&e.to_string()))?;
            let at = super::proof::parse_datetime(at.trim())
                .ok_or_else(|| bad("the retirement time is not an RFC 3339 timestamp"))?;
            if !out
                .iter()
                .any(|r: &RetiredKey| r.public_key_multibase == key)
            {
                out.push(RetiredKey {
                    public_key_multibase: key.to_owned(),
                    retired_at: at,
                });
            }
        }
        Ok(out)
    }
}

/// Reads a key file, refusing one that other users can read.
pub fn read_key_file(path: &Path) -> Result<IssuerKey, KeyError> {
    let io = |cause| KeyError::Io {
        path: path.display().to_string(),
        cause,
    };
    if let Some(mode) = open_permissions(path).map_err(io)? {
        return Err(KeyError::PermissionsTooOpen {
            path: path.display().to_string(),
            mode,
        });
    }
    let text = Zeroizing::new(fs::read_to_string(path).map_err(io)?);
    IssuerKey::from_private_multibase(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("portfront-eco-keys-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn generated_keys_round_trip_through_private_multibase() {
        let key = IssuerKey::generate().unwrap();
        let text = key.to_private_multibase();
        let back = IssuerKey::from_private_multibase(&text).unwrap();
        assert_eq!(back.public_key_multibase(), key.public_key_multibase());
        assert!(key.public_key_multibase().starts_with("z6Mk"));
    }

    #[test]
    fn debug_output_never_contains_the_private_key() {
        let key = IssuerKey::from_secret_bytes(&[7; 32]);
        let debug = format!(
            "{key:?} {:?}",
            KeyRing::new(IssuerKey::from_secret_bytes(&[7; 32]))
        );
        assert!(!debug.contains(key.to_private_multibase().as_str()));
        assert!(!debug.contains("[7, 7"));
        assert!(debug.contains(key.public_key_multibase()));
    }

    #[test]
    fn key_file_is_created_with_mode_0600_and_loaded_again() {
        let dir = temp_dir("create");
        let store = KeyDirectory::new(&dir);
        let first = store.load_or_generate().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.current_key_path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = store.load_or_generate().unwrap();
        assert_eq!(
            first.current.public_key_multibase(),
            again.current.public_key_multibase()
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn rejects_a_key_file_readable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("open");
        let store = KeyDirectory::new(&dir);
        store.load_or_generate().unwrap();
        fs::set_permissions(store.current_key_path(), fs::Permissions::from_mode(0o644)).unwrap();
        let err = store.load_or_generate().unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rotation_keeps_the_retired_public_key() {
        let dir = temp_dir("rotate");
        let store = KeyDirectory::new(&dir);
        let mut ring = store.load_or_generate().unwrap();
        let old = ring.current.public_key_multibase().to_owned();
        let at = super::super::proof::parse_datetime("2026-11-01T00:00:00Z").unwrap();
        store.rotate(&mut ring, at).unwrap();
        assert_ne!(ring.current.public_key_multibase(), old);
        let reloaded = store.load_or_generate().unwrap();
        assert_eq!(
            reloaded.current.public_key_multibase(),
            ring.current.public_key_multibase()
        );
        assert_eq!(
            reloaded.retired,
            vec![RetiredKey {
                public_key_multibase: old,
                retired_at: at
            }]
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rejects_public_keys_that_are_not_ed25519_multikeys() {
        // A P-256 Multikey (0x8024 header) from the CID specification's examples.
        let p256 = "zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv";
        assert!(matches!(
            decode_public_key_multibase(p256),
            Err(KeyError::NotEd25519Public(_))
        ));
        assert!(decode_public_key_multibase("not-multibase").is_err());
    }

    #[test]
    fn rejects_private_keys_of_the_wrong_shape() {
        assert!(matches!(
            IssuerKey::from_private_multibase("u123"),
            Err(KeyError::NotMultibase)
        ));
        let public_as_private = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
        assert!(matches!(
            IssuerKey::from_private_multibase(public_as_private),
            Err(KeyError::NotEd25519Private)
        ));
    }
}
