//! Tests of key file reading and writing against a real temporary directory.

use super::*;

fn mode_of(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn generate_then_load_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/node.key");
    let made = generate(&path, false).unwrap();
    assert_eq!(mode_of(&path), 0o600);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"), "{text}");
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.public_key(), made.public_key());
    assert_eq!(loaded.peer_id(), made.peer_id());
    assert_eq!(
        loaded.signing_key().to_bytes(),
        made.signing_key().to_bytes()
    );
    // No temporary files left behind.
    assert_eq!(fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
}

#[test]
fn generate_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("node.key");
    let first = generate(&path, false).unwrap();
    let err = generate(&path, false).unwrap_err();
    assert!(matches!(err, IdentityError::AlreadyExists { .. }), "{err}");
    assert_eq!(load(&path).unwrap().public_key(), first.public_key());
    let second = generate(&path, true).unwrap();
    assert_ne!(second.public_key(), first.public_key());
    assert_eq!(load(&path).unwrap().public_key(), second.public_key());
    assert_eq!(mode_of(&path), 0o600);
}

#[test]
fn load_refuses_group_or_world_accessible_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("node.key");
    generate(&path, false).unwrap();
    for mode in [0o644, 0o640, 0o604, 0o660, 0o602] {
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        let err = load(&path).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, IdentityError::InsecurePermissions { mode: m, .. } if m == mode),
            "{msg}"
        );
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains(&format!("{mode:04o}")), "{msg}");
        assert!(
            msg.contains(&format!("chmod 600 {}", path.display())),
            "{msg}"
        );
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    assert!(load(&path).is_ok());
}

#[test]
fn malformed_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let valid = {
        let key = SigningKey::from_bytes(&[1; 32]);
        key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string()
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("garbage", b"hello world\n".to_vec()),
        ("binary", vec![0xff, 0xfe, 0x00, 0x80]),
        ("hex", hex::encode([1u8; 32]).into_bytes()),
        ("truncated", valid.as_bytes()[..valid.len() / 2].to_vec()),
        (
            "wrong label",
            valid.replace("PRIVATE KEY", "PUBLIC KEY").into_bytes(),
        ),
        ("huge", vec![b'A'; MAX_KEY_FILE_BYTES as usize + 10]),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name.replace(' ', "_"));
        fs::write(&path, &bytes).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let err = load(&path).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, IdentityError::Malformed { .. }),
            "{name}: {msg}"
        );
        assert!(msg.contains(&path.display().to_string()), "{name}: {msg}");
    }
}

#[test]
fn public_key_not_matching_secret_is_refused() {
    // PKCS#8 v2 carries the public key too; a file whose two halves disagree is corrupt.
    let a = SigningKey::from_bytes(&[1; 32]);
    let b = SigningKey::from_bytes(&[2; 32]);
    let mut pair = ed25519_dalek::pkcs8::KeypairBytes::from(&a);
    pair.public_key = Some(ed25519_dalek::pkcs8::PublicKeyBytes(
        b.verifying_key().to_bytes(),
    ));
    let pem = pair.to_pkcs8_pem(LineEnding::LF).unwrap();
    assert!(decode_key(pem.as_bytes()).is_err());
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.key");
    let msg = load(&path).unwrap_err().to_string();
    assert!(msg.contains("absent.key"), "{msg}");
}

#[test]
fn load_or_generate_creates_once_then_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/node.key");
    let first = load_or_generate(&path).unwrap();
    let again = load_or_generate(&path).unwrap();
    assert_eq!(first.public_key(), again.public_key());
    assert_eq!(mode_of(&path), 0o600);
}
