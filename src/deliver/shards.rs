//! Which deliveries this process sends, when several processes split Discord's shards.
//!
//! Discord puts a server on shard `(guild_id >> 22) % shards`. A process that runs shards
//! `first..last` of `shards` sends the follows and digests of the servers on those shards;
//! personal (direct message) follows belong to no server, and go with shard 0. One process
//! that runs every shard (no `shard_range`) sends everything.
//!
//! Coverage decides who *tries*; the claim in the database decides who *sends*, so that
//! two processes given overlapping ranges by mistake still send each delivery once.

use crate::config::{DiscordConfig, Shards};
use crate::store::deliveries::ShardFilter;
use crate::store::follows::Target;

/// The servers whose deliveries this process sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// Every server, and the personal follows: one process runs all shards.
    All,
    /// The servers on shards `first..last` of `total`; the personal follows when `first`
    /// is 0.
    Range { total: u32, first: u32, last: u32 },
}

impl Coverage {
    /// The coverage of `[discord] shards` and `shard_range`.
    pub fn of(discord: &DiscordConfig) -> Coverage {
        match (discord.shards, discord.shard_range) {
            (Shards::Count(total), Some((first, last))) if total > 0 && first < last => {
                Coverage::Range { total, first, last }
            }
            _ => Coverage::All,
        }
    }

    /// Whether this process sends for the server `guild_id`.
    pub fn covers_guild(self, guild_id: u64) -> bool {
        match self {
            Coverage::All => true,
            Coverage::Range { total, first, last } => {
                let shard = shard_of(guild_id, total);
                (first..last).contains(&shard)
            }
        }
    }

    /// Whether this process sends the personal (direct message) follows.
    pub fn covers_personal(self) -> bool {
        match self {
            Coverage::All => true,
            Coverage::Range { first, .. } => first == 0,
        }
    }

    /// What a claim in the database may take (`None`: everything).
    pub fn filter(self) -> Option<ShardFilter> {
        match self {
            Coverage::All => None,
            Coverage::Range { total, first, last } => Some(ShardFilter {
                total,
                first,
                last,
                personal: first == 0,
            }),
        }
    }

    /// Whether this process sends to `target`.
    pub fn covers(self, target: &Target) -> bool {
        match *target {
            Target::Channel { guild_id, .. } => self.covers_guild(guild_id),
            Target::Personal { .. } => self.covers_personal(),
        }
    }
}

impl std::fmt::Display for Coverage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Coverage::All => f.write_str("every server and the direct messages"),
            Coverage::Range { total, first, last } => {
                write!(f, "the servers on shards {first}..{last} of {total}")?;
                if first == 0 {
                    f.write_str(" and the direct messages")?;
                }
                Ok(())
            }
        }
    }
}

/// The shard Discord puts server `guild_id` on, of `total` (1 or more).
pub fn shard_of(guild_id: u64, total: u32) -> u32 {
    let total = u64::from(total.max(1));
    // The remainder is below `total`, a u32.
    u32::try_from((guild_id >> 22) % total).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server id whose shard, of 2, is `shard`.
    fn guild_on(shard: u64) -> u64 {
        (1_000 + shard) << 22 | 12_345
    }

    #[test]
    fn the_shard_is_discords_formula() {
        // 41771983423143937 >> 22 is 9,959,216,934: shard 2 of 7, shard 0 of 2.
        assert_eq!(shard_of(41_771_983_423_143_937, 7), 2);
        assert_eq!(shard_of(41_771_983_423_143_937, 2), 0);
        assert_eq!(shard_of(guild_on(0), 2), 0);
        assert_eq!(shard_of(guild_on(1), 2), 1);
        assert_eq!(
            shard_of(u64::MAX, 0),
            0,
            "a total of 0 is taken as 1, not a division by 0"
        );
    }

    #[test]
    fn a_range_covers_its_shards_and_shard_0_the_personal_follows() {
        let first = Coverage::Range {
            total: 2,
            first: 0,
            last: 1,
        };
        let second = Coverage::Range {
            total: 2,
            first: 1,
            last: 2,
        };
        for (coverage, shard) in [(first, 0), (second, 1)] {
            assert!(coverage.covers_guild(guild_on(shard)));
            assert!(!coverage.covers_guild(guild_on(1 - shard)));
        }
        let personal = Target::Personal { user_id: 5 };
        assert!(first.covers(&personal));
        assert!(!second.covers(&personal));
        assert!(Coverage::All.covers(&personal));
        assert!(Coverage::All.covers_guild(guild_on(1)));
    }

    #[test]
    fn the_config_gives_the_coverage() {
        let mut discord = crate::config::Config::default().discord;
        assert_eq!(Coverage::of(&discord), Coverage::All);
        discord.shards = Shards::Count(4);
        assert_eq!(
            Coverage::of(&discord),
            Coverage::All,
            "all four shards in one process"
        );
        discord.shard_range = Some((2, 4));
        assert_eq!(
            Coverage::of(&discord),
            Coverage::Range {
                total: 4,
                first: 2,
                last: 4
            }
        );
    }
}
