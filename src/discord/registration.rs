//! Where the slash commands are registered. The public commands go where `guild_ids` says:
//! globally, or in those servers. The admin commands go to the editorial team's servers
//! (`admin_guild_ids`) only, never globally, so that no other server has them at all; with no
//! such server they are not registered. Every list is written with Discord's bulk overwrite,
//! which replaces the whole list, so what an older version registered there and this one does
//! not is gone after a start. A server where registering fails (the bot is not in it, or
//! Discord refuses) is logged and skipped: the bot still serves everywhere else.

use std::collections::BTreeMap;

use poise::serenity_prelude as serenity;
use tracing::{info, warn};

use super::{Data, Error, admin};
use crate::config::DiscordConfig;

/// Which commands one list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    Public,
    Admin,
    Both,
}

/// Where each list of commands goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The global list is overwritten with the public commands. When false (the public
    /// commands go to `guild_ids`), the global list is left alone, but for admin commands an
    /// older version registered there, which are deleted.
    pub global: bool,
    /// Each server's whole list, by server id.
    pub guilds: Vec<(u64, Set)>,
}

/// Where the commands go for these settings.
pub fn plan(guild_ids: &[u64], admin_guild_ids: &[u64]) -> Plan {
    let mut guilds = BTreeMap::new();
    for &guild in guild_ids {
        guilds.insert(guild, Set::Public);
    }
    for &guild in admin_guild_ids {
        let set = guilds.entry(guild).or_insert(Set::Admin);
        if *set == Set::Public {
            *set = Set::Both;
        }
    }
    Plan {
        global: guild_ids.is_empty(),
        guilds: guilds.into_iter().collect(),
    }
}

/// Registers `commands` as [`plan`] says. Only a failure of the global list is an error.
pub async fn register(
    http: &serenity::Http,
    commands: &[poise::Command<Data, Error>],
    discord: &DiscordConfig,
) -> Result<(), serenity::Error> {
    let (admin, public): (Vec<_>, Vec<_>) =
        commands.iter().partition(|c| admin::is_admin_command(c));
    let build = |list: &[&poise::Command<Data, Error>]| -> Vec<serenity::CreateCommand> {
        list.iter()
            .filter_map(|c| c.create_as_slash_command())
            .collect()
    };
    let plan = plan(&discord.guild_ids, &discord.admin_guild_ids);
    if plan.global {
        serenity::Command::set_global_commands(http, build(&public)).await?;
        info!(commands = public.len(), "commands registered globally");
    } else {
        let names: Vec<&str> = admin.iter().map(|c| &*c.name).collect();
        delete_global(http, &names).await;
    }
    for (guild, set) in plan.guilds {
        let list: Vec<&poise::Command<Data, Error>> = match set {
            Set::Public => public.clone(),
            Set::Admin => admin.clone(),
            Set::Both => public.iter().chain(&admin).copied().collect(),
        };
        match serenity::GuildId::new(guild)
            .set_commands(http, build(&list))
            .await
        {
            Ok(_) => info!(
                guild,
                commands = list.len(),
                "commands registered in a server"
            ),
            Err(error) => warn!(
                guild,
                %error,
                "cannot register the commands in this server (is the bot in it?); the other servers are not affected"
            ),
        }
    }
    if discord.admin_guild_ids.is_empty() {
        warn!(
            "no [discord] admin_guild_ids: /brief-add and /brief-remove are not registered; add briefs as files in the briefs folder or with `briefbot add`"
        );
    }
    Ok(())
}

/// Deletes the global commands named `names`: admin commands an older version registered
/// globally, for every server to see.
async fn delete_global(http: &serenity::Http, names: &[&str]) {
    let global = match serenity::Command::get_global_commands(http).await {
        Ok(global) => global,
        Err(error) => {
            warn!(%error, "cannot list the global commands to remove old admin commands from them");
            return;
        }
    };
    for command in global.iter().filter(|c| names.contains(&c.name.as_str())) {
        match serenity::Command::delete_global_command(http, command.id).await {
            Ok(()) => info!(
                command = %command.name,
                "removed the global registration of an admin command (left by an older version)"
            ),
            Err(error) => warn!(
                command = %command.name,
                %error,
                "cannot remove the global registration of an admin command"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_commands_go_to_the_admin_guilds_only() {
        assert_eq!(
            plan(&[], &[]),
            Plan {
                global: true,
                guilds: vec![]
            }
        );
        assert_eq!(
            plan(&[], &[7, 5, 7]),
            Plan {
                global: true,
                guilds: vec![(5, Set::Admin), (7, Set::Admin)]
            }
        );
        assert_eq!(
            plan(&[1, 7], &[7, 9, 7]),
            Plan {
                global: false,
                guilds: vec![(1, Set::Public), (7, Set::Both), (9, Set::Admin)]
            }
        );
    }

    #[test]
    fn the_bots_commands_split_into_public_and_admin() {
        let commands = super::super::options().commands;
        let (admin, public): (Vec<_>, Vec<_>) =
            commands.iter().partition(|c| admin::is_admin_command(c));
        let names = |list: &[&poise::Command<Data, Error>]| {
            list.iter().map(|c| c.name.clone()).collect::<Vec<_>>()
        };
        assert_eq!(names(&admin), ["brief-add", "brief-remove"]);
        assert_eq!(
            names(&public),
            [
                "brief",
                "quotes",
                "said",
                "briefs",
                "help",
                "follow",
                "follow-me",
                "unfollow",
                "follows",
                "digest",
                "digest-preview",
                "digests",
                "undigest"
            ]
        );
    }
}
