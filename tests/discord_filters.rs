//! Filters on Discord: `/brief`'s options `since`, `until`, `tag`, `outlet` and `order`, the
//! tag and outlet autocompletion, filters typed in a topic or a mention, a bad value's reply,
//! and `/help` listing them; the real bot against the Discord double, every message with
//! allowed mentions none.

#[path = "support/bot.rs"]
mod bot;

use bot::{Bot, WAIT, interact};
use discord_double::DiscordDouble;
use serde_json::{Value, json};

/// Three storm briefs a year apart, and a calm one.
fn briefs() -> Vec<(&'static str, String)> {
    let brief = |title: &str, date: &str, outlet: &str, tags: &str| {
        format!(
            "title = \"{title}\"\npublished = {date}\noutlet = \"{outlet}\"\ntags = [{tags}]\nsummary = \"A report on the weather.\"\n"
        )
    };
    vec![
        (
            "storm-2016.toml",
            brief("Storm of 2016", "2016-05-01", "BBC News", "\"Weather\""),
        ),
        (
            "storm-2017.toml",
            brief(
                "Storm storm storm of 2017",
                "2017-05-01",
                "The Guardian",
                "\"Weather\", \"Floods\"",
            ),
        ),
        (
            "storm-2018.toml",
            brief("Storm of 2018", "2018-05-01", "BBC News", "\"Floods\""),
        ),
        (
            "calm-2019.toml",
            brief(
                "Calm of 2019",
                "2019-05-01",
                "Bavarian Weather Service",
                "\"Calm\"",
            ),
        ),
    ]
}

fn assert_no_mentions(body: &Value) {
    let mentions = &body["allowed_mentions"];
    assert_eq!(mentions["parse"], json!([]), "allowed mentions: {body}");
    assert!(mentions["users"].as_array().is_none_or(Vec::is_empty));
    assert!(mentions["roles"].as_array().is_none_or(Vec::is_empty));
}

fn text(name: &str, value: &str) -> Value {
    json!({"name": name, "type": 3, "value": value})
}

/// `/brief` with `options`: the callback's body.
async fn brief(double: &DiscordDouble, options: Value) -> Value {
    let member = double.member_user();
    let callback = interact(
        double,
        double.interaction_command("brief", options, &member),
    )
    .await;
    assert_no_mentions(&callback.body["data"]);
    callback.body
}

fn title(body: &Value) -> &str {
    body["data"]["embeds"][0]["title"]
        .as_str()
        .unwrap_or("(no embed)")
}

#[tokio::test(flavor = "multi_thread")]
async fn brief_registers_its_filter_options() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &briefs(), "").await;
    let commands = double.registered_commands(None);
    let brief = commands.iter().find(|c| c["name"] == "brief").unwrap();
    let options = brief["options"].as_array().unwrap();
    let option = |name: &str| options.iter().find(|o| o["name"] == name).unwrap();
    assert_ne!(
        option("topic")["required"],
        true,
        "filters alone are a question"
    );
    for name in ["since", "until", "tag", "outlet", "order"] {
        assert_ne!(option(name)["required"], true, "{name}");
        assert!(!option(name)["description"].as_str().unwrap().is_empty());
    }
    assert_eq!(option("tag")["autocomplete"], true);
    assert_eq!(option("outlet")["autocomplete"], true);
    let choices: Vec<&str> = option("order")["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(choices, ["relevance", "newest"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_option_narrows_the_briefs_and_combines_with_typed_filters() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &briefs(), "").await;
    let body = brief(&double, json!([text("topic", "storm")])).await;
    assert_eq!(
        title(&body),
        "Storm storm storm of 2017",
        "best match: {body}"
    );
    let body = brief(
        &double,
        json!([text("topic", "storm"), text("since", "2018")]),
    )
    .await;
    assert_eq!(title(&body), "Storm of 2018");
    let body = brief(
        &double,
        json!([text("topic", "storm"), text("until", "2016-05")]),
    )
    .await;
    assert_eq!(title(&body), "Storm of 2016", "until is inclusive");
    let body = brief(
        &double,
        json!([text("topic", "storm"), text("tag", "floods")]),
    )
    .await;
    assert_eq!(title(&body), "Storm storm storm of 2017");
    let body = brief(
        &double,
        json!([
            text("topic", "storm"),
            text("outlet", "BBC News"),
            text("until", "2017")
        ]),
    )
    .await;
    assert_eq!(title(&body), "Storm of 2016");
    let body = brief(
        &double,
        json!([text("topic", "storm"), {"name": "order", "type": 4, "value": 1}]),
    )
    .await;
    assert_eq!(title(&body), "Storm of 2018", "order newest");
    let body = brief(&double, json!([text("tag", "weather")])).await;
    assert_eq!(
        title(&body),
        "Storm storm storm of 2017",
        "filters alone: newest first"
    );
    let body = brief(
        &double,
        json!([
            text("topic", "storm since:2017"),
            text("outlet", "bbc news")
        ]),
    )
    .await;
    assert_eq!(
        title(&body),
        "Storm of 2018",
        "typed filters and options together"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_value_is_a_private_reply_naming_the_filter_and_its_forms() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &briefs(), "").await;
    for (options, message) in [
        (
            json!([text("topic", "storm"), text("since", "soon")]),
            "since: expected a date such as 2017, 2017-07 or 2017-07-09",
        ),
        (
            json!([text("until", "2017-13")]),
            "until: expected a date such as 2017, 2017-07 or 2017-07-09",
        ),
        (
            json!([text("topic", "storm lang:xx")]),
            "lang: expected a language code such as en, de or fr",
        ),
    ] {
        let body = brief(&double, options).await;
        assert_eq!(body["data"]["flags"], 64, "ephemeral: {body}");
        let content = body["data"]["content"].as_str().unwrap_or_default();
        assert!(content.contains(message), "{content}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tags_and_outlets_autocomplete_by_prefix_then_substring_any_case() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &briefs(), "").await;
    let member = double.member_user();
    let choices = |body: &Value| -> Vec<String> {
        body["data"]["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["value"].as_str().unwrap().to_owned())
            .collect()
    };
    let callback = interact(
        &double,
        double.interaction_autocomplete("brief", "tag", "FLO", &member),
    )
    .await;
    assert_eq!(callback.body["type"], 8, "autocomplete result");
    assert_eq!(choices(&callback.body), ["Floods"]);
    let callback = interact(
        &double,
        double.interaction_autocomplete("brief", "tag", "", &member),
    )
    .await;
    assert_eq!(
        choices(&callback.body),
        ["Floods", "Weather", "Calm"],
        "most briefs first"
    );
    let callback = interact(
        &double,
        double.interaction_autocomplete("brief", "outlet", "weather", &member),
    )
    .await;
    assert_eq!(
        choices(&callback.body),
        ["Bavarian Weather Service"],
        "a substring"
    );
    let callback = interact(
        &double,
        double.interaction_autocomplete("brief", "outlet", "b", &member),
    )
    .await;
    assert_eq!(
        choices(&callback.body),
        ["BBC News", "Bavarian Weather Service"],
        "prefix matches, most briefs first"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mention_takes_filters_and_help_lists_them() {
    let double = DiscordDouble::start().await;
    let _bot = Bot::start(&double, &briefs(), "").await;
    let member = double.member_user();
    let bot_user = double.bot_user();
    let message = double.message_create(
        &format!("{} storm until:2016", bot_user.mention()),
        &member,
        &[&bot_user],
    );
    double.dispatch("MESSAGE_CREATE", message).await;
    let reply = double
        .wait_for(
            |r| {
                r.is(
                    "POST",
                    &format!("/api/v10/channels/{}/messages", double.channel_id()),
                )
            },
            WAIT,
        )
        .await
        .expect("the bot replied");
    assert_eq!(reply.body["embeds"][0]["title"], "Storm of 2016");
    assert_no_mentions(&reply.body);
    let callback = interact(
        &double,
        double.interaction_command("help", json!([]), &member),
    )
    .await;
    assert_no_mentions(&callback.body["data"]);
    let help = callback.body["data"]["embeds"][0].to_string();
    assert!(help.contains("since:2017-07"), "{help}");
    assert!(help.contains("order:newest"), "{help}");
}
