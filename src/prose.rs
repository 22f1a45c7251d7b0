//! A brief's prose, kept compressed: its summary and the words of its quotes, the bulk of a
//! library's text (141 of 386 MB of heap at 100,000 generated briefs, as parsed strings).
//!
//! They are packed together, one zstd frame per brief, when the brief is parsed, and unpacked
//! when a brief is indexed or shown: a few briefs per answer.

use std::borrow::Cow;
use std::cell::RefCell;

/// zstd's level. Level 3 packs briefs no smaller (1.70 times on corpusgen's news, 1.93 on
/// its long shape) and takes longer; levels below 1 stop compressing the letters and pack
/// 1.0 to 1.3 times. See BENCHMARKS.md.
const LEVEL: i32 = 1;

/// Prose shorter than this many bytes is kept as it is. Packing a brief costs about the same
/// few microseconds whatever its length, but short text packs little: 1.2 to 1.4 times below
/// 384 bytes, 1.6 from 512 and 1.7 from 1,200 (corpusgen's shapes and Wikinews). Two-sentence
/// briefs packed saved 4% of memory at 100,000 and cost 24% of the batch's time.
const PACK_FROM: usize = 512;

/// Texts kept together and compressed; each is known by its place (from 0).
///
/// The bytes: the number of texts (`u16`), the end of each in the whole (`u32` each,
/// little-endian), whether what follows is a zstd frame (`1`) or the texts as they are (`0`),
/// then the texts joined, or their frame.
#[derive(Clone, PartialEq, Eq)]
pub struct Prose {
    bytes: Box<[u8]>,
}

/// What a [`Prose`] holds, unpacked.
#[derive(Debug)]
pub struct Unpacked<'a> {
    prose: &'a Prose,
    text: Cow<'a, str>,
}

thread_local! {
    static PACKER: RefCell<Option<zstd::bulk::Compressor<'static>>> =
        RefCell::new(zstd::bulk::Compressor::new(LEVEL).ok());
    static UNPACKER: RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        RefCell::new(zstd::bulk::Decompressor::new().ok());
}

const PACKED: u8 = 1;
const AS_IS: u8 = 0;

impl Prose {
    /// `texts`, packed. Each must be at most 4 GiB and there must be at most 65,535 (a
    /// brief's are far shorter and fewer: see `crate::brief`'s limits).
    pub fn new<'t>(texts: impl IntoIterator<Item = &'t str>) -> Prose {
        let texts: Vec<&str> = texts.into_iter().take(usize::from(u16::MAX)).collect();
        let total: usize = texts.iter().map(|text| text.len()).sum();
        let head = 2 + 4 * texts.len();
        // The texts are written as they are, then replaced by their frame if it is smaller:
        // one copy of a short brief's prose, not two.
        let mut bytes = Vec::with_capacity(head + 1 + total);
        bytes.extend_from_slice(&(texts.len() as u16).to_le_bytes());
        let mut end = 0usize;
        for text in &texts {
            end += text.len();
            bytes.extend_from_slice(&u32::try_from(end).unwrap_or(u32::MAX).to_le_bytes());
        }
        bytes.push(AS_IS);
        for text in &texts {
            bytes.extend_from_slice(text.as_bytes());
        }
        if total >= PACK_FROM
            && let Some(frame) = pack(&bytes[head + 1..]).filter(|frame| frame.len() < total)
        {
            // A new allocation of the packed size: shrinking the first one in place, as
            // mimalloc does when at least half of it stays in use, kept all its room (445
            // against 391 MB of peak RSS at 100,000 briefs).
            let mut packed = Vec::with_capacity(head + 1 + frame.len());
            packed.extend_from_slice(&bytes[..head]);
            packed.push(PACKED);
            packed.extend_from_slice(&frame);
            bytes = packed;
        }
        Prose {
            bytes: bytes.into_boxed_slice(),
        }
    }

    /// How many texts there are.
    pub fn len(&self) -> usize {
        usize::from(u16::from_le_bytes([self.bytes[0], self.bytes[1]]))
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The end of text `at` in the whole.
    fn end(&self, at: usize) -> usize {
        let from = 2 + 4 * at;
        let mut end = [0; 4];
        end.copy_from_slice(&self.bytes[from..from + 4]);
        u32::from_le_bytes(end) as usize
    }

    /// The length of all the texts together, in bytes.
    fn total(&self) -> usize {
        match self.len() {
            0 => 0,
            count => self.end(count - 1),
        }
    }

    /// The texts, unpacked.
    pub fn unpack(&self) -> Unpacked<'_> {
        let head = 2 + 4 * self.len();
        let body = &self.bytes[head + 1..];
        let text = if self.bytes[head] == PACKED {
            Cow::Owned(unpack(body, self.total()))
        } else {
            String::from_utf8_lossy(body)
        };
        Unpacked { prose: self, text }
    }
}

impl std::fmt::Debug for Prose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unpacked = self.unpack();
        f.debug_list().entries(unpacked.iter()).finish()
    }
}

impl<'a> Unpacked<'a> {
    /// Text `at` (from 0); empty if there is no such text.
    pub fn get(&self, at: usize) -> &str {
        if at >= self.prose.len() {
            return "";
        }
        let start = if at == 0 { 0 } else { self.prose.end(at - 1) };
        self.text.get(start..self.prose.end(at)).unwrap_or("")
    }

    /// The texts in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.prose.len()).map(|at| self.get(at))
    }
}

/// `bytes` as a zstd frame; `None` if zstd fails (it does not on a buffer in memory).
fn pack(bytes: &[u8]) -> Option<Vec<u8>> {
    PACKER.with_borrow_mut(|packer| packer.as_mut()?.compress(bytes).ok())
}

/// The `total` bytes of text a frame made by [`pack`] holds. A frame this process made
/// always unpacks; if one did not, the text would read as empty rather than stop the bot.
fn unpack(frame: &[u8], total: usize) -> String {
    let bytes = UNPACKER.with_borrow_mut(|unpacker| {
        unpacker
            .as_mut()
            .and_then(|unpacker| unpacker.decompress(frame, total).ok())
    });
    match bytes {
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        },
        None => {
            tracing::error!("a brief's packed text did not unpack");
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn long_prose_is_packed_smaller_and_unpacks_whole() {
        let summary = "The election commission met on Monday. ".repeat(20);
        let quote = "We will protect the vote.";
        let prose = Prose::new([summary.as_str(), quote, ""]);
        assert!(
            prose.bytes.len() < summary.len() / 2,
            "{}",
            prose.bytes.len()
        );
        let unpacked = prose.unpack();
        assert!(matches!(unpacked.text, Cow::Owned(_)));
        assert_eq!(unpacked.iter().collect::<Vec<_>>(), [&summary, quote, ""]);
        assert_eq!(unpacked.get(3), "");
    }

    #[test]
    fn short_prose_is_kept_as_it_is() {
        let prose = Prose::new(["Two leaders met.", "Yes."]);
        let unpacked = prose.unpack();
        assert!(matches!(unpacked.text, Cow::Borrowed(_)));
        assert_eq!(
            unpacked.iter().collect::<Vec<_>>(),
            ["Two leaders met.", "Yes."]
        );
        let just_short = "a".repeat(PACK_FROM - 1);
        assert!(matches!(
            Prose::new([just_short.as_str()]).unpack().text,
            Cow::Borrowed(_)
        ));
        assert!(Prose::new([]).is_empty());
        assert_eq!(Prose::new([]).unpack().get(0), "");
    }

    proptest! {
        #[test]
        fn unpacks_what_was_packed(texts in proptest::collection::vec(".{0,300}", 0..26)) {
            let prose = Prose::new(texts.iter().map(String::as_str));
            prop_assert_eq!(prose.len(), texts.len());
            let unpacked = prose.unpack();
            prop_assert_eq!(unpacked.iter().collect::<Vec<_>>(), texts.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
}
