//! C2SP tlog-tiles paths: which hashes or entries a tile URL names.

/// Hashes per tile side (C2SP tlog-tiles: tiles of height 8).
pub const TILE_WIDTH: u64 = 256;

/// A parsed tile path: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`.
#[derive(Debug, PartialEq, Eq)]
pub struct TilePath {
    /// `None` for an entry bundle.
    pub level: Option<u8>,
    /// Tile index N.
    pub index: u64,
    /// Hashes or entries in the tile (256 when full).
    pub width: u64,
}

impl TilePath {
    /// The `[start, end)` range of hashes or entries the tile holds; `None` past `u64`.
    pub fn span(&self) -> Option<(u64, u64)> {
        let start = self.index.checked_mul(TILE_WIDTH)?;
        Some((start, start.checked_add(self.width)?))
    }
}

/// Parses `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`; `None` for anything else.
pub fn parse_tile_path(path: &str) -> Option<TilePath> {
    let (level_part, rest) = path.split_once('/')?;
    let level = if level_part == "entries" {
        None
    } else {
        let l: u8 = level_part.parse().ok()?;
        if l > 63 || level_part != l.to_string() {
            return None;
        }
        Some(l)
    };
    let (index_part, width) = match rest.split_once(".p/") {
        Some((i, text)) => {
            let w: u64 = text.parse().ok()?;
            if w == 0 || w >= TILE_WIDTH || text != w.to_string() {
                return None;
            }
            (i, w)
        }
        None => (rest, TILE_WIDTH),
    };
    // N is written in groups of three digits, all but the last prefixed with "x".
    let groups: Vec<&str> = index_part.split('/').collect();
    let mut index: u64 = 0;
    for (i, g) in groups.iter().enumerate() {
        let digits = if i + 1 < groups.len() {
            g.strip_prefix('x')?
        } else {
            g
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        index = index
            .checked_mul(1000)?
            .checked_add(digits.parse::<u64>().ok()?)?;
    }
    Some(TilePath {
        level,
        index,
        width,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths_follow_the_c2sp_encoding() {
        assert_eq!(
            parse_tile_path("0/000"),
            Some(TilePath {
                level: Some(0),
                index: 0,
                width: 256
            })
        );
        assert_eq!(
            parse_tile_path("1/x001/x234/067.p/8"),
            Some(TilePath {
                level: Some(1),
                index: 1_234_067,
                width: 8
            })
        );
        assert_eq!(
            parse_tile_path("entries/x001/002"),
            Some(TilePath {
                level: None,
                index: 1002,
                width: 256
            })
        );
        for bad in [
            "",
            "0",
            "0/1",
            "0/0001",
            "0/x001",
            "a/000",
            "0/000.p/0",
            "0/000.p/256",
            "01/000",
            "0/001/002",
        ] {
            assert_eq!(parse_tile_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn tiles_past_u64_have_no_span() {
        // The last full tile that fits: index * 256 + 256 would be 2^64.
        let last = parse_tile_path("0/x072/x057/x594/x037/x927/935").unwrap();
        assert_eq!(last.span(), None);
        let partial = parse_tile_path("0/x072/x057/x594/x037/x927/935.p/255").unwrap();
        assert_eq!(partial.span(), Some((u64::MAX - 255, u64::MAX)));
        assert_eq!(
            parse_tile_path("entries/x018/x446/x744/x073/x709/x551/615")
                .unwrap()
                .span(),
            None
        );
    }
}
