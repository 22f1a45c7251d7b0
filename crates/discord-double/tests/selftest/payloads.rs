//! The double's payloads and command lists, read with serenity's own types.

use super::*;

#[tokio::test]
async fn payloads_deserialize_with_serenity_types() {
    let double = DiscordDouble::start().await;
    let member = double.member_user();
    let admin = double.admin_user();
    let bot = double.bot_user();

    check_event("GUILD_CREATE", &double.guild_json()).expect("GUILD_CREATE");
    let guild: serenity::Guild = serde_json::from_value(double.guild_json()).expect("guild");
    let channel = &guild.channels[&serenity::ChannelId::new(CHANNEL_ID)];
    let bot_member = &guild.members[&serenity::UserId::new(BOT_USER_ID)];
    let bot_perms = guild.user_permissions_in(channel, bot_member);
    for needed in [
        serenity::Permissions::SEND_MESSAGES,
        serenity::Permissions::EMBED_LINKS,
        serenity::Permissions::VIEW_CHANNEL,
        serenity::Permissions::READ_MESSAGE_HISTORY,
    ] {
        assert!(
            bot_perms.contains(needed),
            "the bot lacks {needed:?} in the channel"
        );
    }

    let command = double.interaction_command(
        "brief",
        json!([{"name": "topic", "type": 3, "value": "election hacking"}]),
        &admin,
    );
    check_event("INTERACTION_CREATE", &command).expect("command interaction");
    let serenity::Interaction::Command(command) =
        serde_json::from_value(command).expect("interaction")
    else {
        panic!("not a command interaction");
    };
    assert_eq!(command.data.name, "brief");
    assert_eq!(command.user.id.get(), admin.id);
    let permissions = command
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .expect("member permissions");
    assert!(permissions.administrator() && permissions.manage_guild());
    assert_eq!(command.application_id.get(), APPLICATION_ID);

    let autocomplete = double.interaction_autocomplete("brief", "topic", "elect", &member);
    check_event("INTERACTION_CREATE", &autocomplete).expect("autocomplete interaction");
    let serenity::Interaction::Autocomplete(autocomplete) =
        serde_json::from_value(autocomplete).expect("interaction")
    else {
        panic!("not an autocomplete interaction");
    };
    let focused = autocomplete.data.autocomplete().expect("a focused option");
    assert_eq!((focused.name, focused.value), ("topic", "elect"));
    let member_perms = autocomplete
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .expect("permissions");
    assert!(!member_perms.administrator() && member_perms.send_messages());

    let message = double.message_create(
        &format!("{} what about election hacking?", bot.mention()),
        &member,
        &[&bot],
    );
    check_event("MESSAGE_CREATE", &message).expect("MESSAGE_CREATE");
    let component = double.interaction_component("brief:more", &message, &member);
    check_event("INTERACTION_CREATE", &component).expect("component interaction");
    let serenity::Interaction::Component(component) =
        serde_json::from_value(component).expect("interaction")
    else {
        panic!("not a component interaction");
    };
    assert_eq!(component.data.custom_id, "brief:more");

    // The checker catches what serenity would silently turn into Event::Unknown.
    let mut broken = double.interaction_command("brief", json!([]), &member);
    broken.as_object_mut().expect("object").remove("token");
    let why = check_event("INTERACTION_CREATE", &broken).expect_err("an interaction without token");
    assert!(why.contains("token"), "{why}");
}

#[tokio::test]
async fn interactions_from_another_guild_and_from_a_dm_deserialize() {
    let double = DiscordDouble::start().await;
    let admin = double.admin_user();
    let command = double.interaction_command("brief", json!([]), &admin);

    let other = double.in_other_guild(command.clone());
    check_event("INTERACTION_CREATE", &other).expect("from another guild");
    let serenity::Interaction::Command(other) = serde_json::from_value(other).expect("interaction")
    else {
        panic!("not a command interaction");
    };
    assert_eq!(other.guild_id.map(|g| g.get()), Some(OTHER_GUILD_ID));
    assert_eq!(other.channel_id.get(), OTHER_CHANNEL_ID);
    let member = other.member.as_ref().expect("a member there");
    assert!(member.permissions.is_some_and(|p| p.administrator()));
    assert_eq!(member.guild_id.get(), OTHER_GUILD_ID);

    let dm = double.in_dm(command);
    check_event("INTERACTION_CREATE", &dm).expect("from a DM");
    let serenity::Interaction::Command(dm) = serde_json::from_value(dm).expect("interaction")
    else {
        panic!("not a command interaction");
    };
    assert_eq!(dm.guild_id, None);
    assert!(dm.member.is_none());
    assert_eq!(dm.user.id.get(), admin.id);
    assert_eq!(dm.context, Some(serenity::InteractionContext::BotDm));
    let channel = serenity::ChannelId::new(dm.channel_id.get());
    assert!(
        double
            .serenity_http("test-token")
            .get_channel(channel)
            .await
            .is_ok_and(|c| c.private().is_some()),
        "the double knows the DM channel"
    );
}

/// Discord's semantics of command lists: `PUT` replaces a scope's whole list, `DELETE` removes
/// one command, and a guild the bot is not in refuses all of it.
#[tokio::test]
async fn command_lists_are_replaced_whole_and_other_guilds_refuse() {
    let double = DiscordDouble::start().await;
    let http = double.serenity_http("test-token");
    http.set_application_id(serenity::ApplicationId::new(APPLICATION_ID));
    let command = |name: &str| serenity::CreateCommand::new(name).description("A command");

    let first = serenity::Command::set_global_commands(&http, vec![command("a"), command("b")])
        .await
        .expect("bulk overwrite");
    let second = serenity::Command::set_global_commands(&http, vec![command("b")])
        .await
        .expect("bulk overwrite");
    let global = serenity::Command::get_global_commands(&http)
        .await
        .expect("list");
    assert_eq!(
        global.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["b"],
        "the old list is replaced, not merged"
    );
    assert_eq!(
        second[0].id, first[1].id,
        "a command that stays keeps its id"
    );
    serenity::Command::delete_global_command(&http, second[0].id)
        .await
        .expect("delete");
    assert!(double.registered_commands(None).is_empty());
    let again = serenity::Command::delete_global_command(&http, second[0].id)
        .await
        .expect_err("already deleted");
    assert_eq!(discord_error_code(&again), Some((404, 10063)));

    let guild = serenity::GuildId::new(GUILD_ID);
    let registered = guild
        .set_commands(&http, vec![command("c")])
        .await
        .expect("in the bot's guild");
    guild
        .delete_command(&http, registered[0].id)
        .await
        .expect("delete in the guild");
    assert!(double.registered_commands(Some(GUILD_ID)).is_empty());

    let other = serenity::GuildId::new(OTHER_GUILD_ID);
    for error in [
        other
            .set_commands(&http, vec![command("c")])
            .await
            .expect_err("not in that guild"),
        other
            .get_commands(&http)
            .await
            .expect_err("not in that guild"),
        other
            .delete_command(&http, registered[0].id)
            .await
            .expect_err("not in that guild"),
    ] {
        assert_eq!(discord_error_code(&error), Some((403, 50001)), "{error}");
    }
    assert!(double.registered_commands(Some(OTHER_GUILD_ID)).is_empty());
}

#[tokio::test]
async fn added_text_channels_are_in_the_guild_and_take_the_bots_messages() {
    let double = DiscordDouble::start().await;
    let added = double.add_text_channels(3);
    assert_eq!(added.len(), 3);
    let more = double.add_text_channels(2);
    assert!(
        more.iter().all(|id| !added.contains(id)),
        "{added:?} {more:?}"
    );

    check_event("GUILD_CREATE", &double.guild_json()).expect("GUILD_CREATE");
    let guild: serenity::Guild = serde_json::from_value(double.guild_json()).expect("guild");
    let bot_member = &guild.members[&serenity::UserId::new(BOT_USER_ID)];
    for id in added.iter().chain(&more) {
        let channel = &guild.channels[&serenity::ChannelId::new(*id)];
        assert_eq!(channel.kind, serenity::ChannelType::Text);
        let bot_perms = guild.user_permissions_in(channel, bot_member);
        assert!(
            bot_perms.view_channel() && bot_perms.send_messages() && bot_perms.embed_links(),
            "the bot may post in {id}: {bot_perms:?}"
        );
    }

    let http = double.serenity_http("test-token");
    for id in added.iter().chain(&more) {
        let channel = serenity::ChannelId::new(*id);
        let sent = channel
            .send_message(&http, serenity::CreateMessage::new().content("news"))
            .await
            .expect("POST /channels/{id}/messages");
        assert_eq!(sent.channel_id, channel);
        let fetched = http.get_channel(channel).await.expect("GET /channels/{id}");
        let serenity::Channel::Guild(fetched) = fetched else {
            panic!("not a guild channel: {fetched:?}");
        };
        assert_eq!(fetched.guild_id.get(), GUILD_ID);
    }
    let unknown = serenity::ChannelId::new(more[1] + 1);
    let refused = unknown
        .send_message(&http, serenity::CreateMessage::new().content("news"))
        .await
        .expect_err("a channel never added refuses");
    assert_eq!(discord_error_code(&refused), Some((404, 10003)));
}
