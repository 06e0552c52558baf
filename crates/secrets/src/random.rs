//! Short random codes (invite codes) from the operating system's generator.

use rand::Rng;

/// `len` characters drawn uniformly from `alphabet`.
pub fn random_code(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rngs::OsRng;
    (0..len).map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_use_the_alphabet_and_differ() {
        let a = super::random_code(b"abc", 16);
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|b| b"abc".contains(&b)));
        assert_ne!(a, super::random_code(b"abc", 16));
    }
}
