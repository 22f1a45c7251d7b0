//! "More like this" and `/said` (issue 17) on the real bot against the Discord double: the
//! button under a `/brief` answer, what a press of it answers, a forged button, and who said
//! a half-remembered line, matched words bold, mentioning nobody.

#[path = "support/bot.rs"]
mod bot;

use bot::{Bot, WAIT, interact};
use discord_double::{DiscordDouble, TestUser};
use serde_json::{Value, json};

const CYBER: &str = r#"id = "cyber-unit"
title = "Trump and Putin plan a cyber security unit"
published = 2017-07-09
source = "https://example.com/cyber"
outlet = "Example News"
tags = ["cyber security", "election hacking"]
summary = "The two leaders agreed to form a unit against election hacking. Critics laughed."

[[quotes]]
speaker = "Marco Rubio"
role = "US Senator"
text = "Partnering with Putin on a cyber security unit is akin to partnering with Assad."

[[quotes]]
speaker = "Vladimir Putin"
role = "Russian President"
text = "There is no basis to think that Russia interfered in the election process."
"#;

const KREMLIN: &str = r#"id = "kremlin-denies"
title = "Kremlin denies meddling"
published = 2017-06-01
source = "https://example.com/kremlin"
outlet = "Other Wire"
tags = ["Election hacking"]
summary = "Moscow rejected the accusations @everyone."

[[quotes]]
speaker = "Vladimir Putin"
role = "Russian President"
text = "These are *lies*, <@123> and nothing else."
"#;

const WORDS: &str = r#"id = "unit-words"
title = "A cyber unit for the security of elections"
published = 2017-07-10
outlet = "Example News"
summary = "Leaders want a security unit; critics laughed at the cyber plan."
"#;

const FERRIES: &str = r#"id = "ferries"
title = "Ferries sail again"
published = 2017-07-02
summary = "The harbour reopened after the storm."
"#;

async fn start(double: &DiscordDouble) -> Bot {
    Bot::start(
        double,
        &[
            ("cyber-unit.toml", CYBER.into()),
            ("kremlin-denies.toml", KREMLIN.into()),
            ("unit-words.toml", WORDS.into()),
            ("ferries.toml", FERRIES.into()),
        ],
        "",
    )
    .await
}

fn assert_no_mentions(body: &Value) {
    let mentions = &body["allowed_mentions"];
    assert_eq!(mentions["parse"], json!([]), "allowed mentions: {body}");
    assert!(mentions["users"].as_array().is_none_or(Vec::is_empty));
    assert!(mentions["roles"].as_array().is_none_or(Vec::is_empty));
}

/// The custom ids of the buttons of a message's (or reply's) components.
fn custom_ids(components: &Value) -> Vec<String> {
    components
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|button| button["custom_id"].as_str().map(str::to_owned))
        .collect()
}

/// Asks `/brief topic`, and returns the reply and the message as the double keeps it.
async fn brief(double: &DiscordDouble, topic: &str, user: &TestUser) -> (Value, Value) {
    let asked = interact(
        double,
        double.interaction_command(
            "brief",
            json!([{"name": "topic", "type": 3, "value": topic}]),
            user,
        ),
    )
    .await;
    let token = asked.path.rsplit('/').nth(1).unwrap().to_owned();
    let message = double
        .wait_original_response(&token, WAIT)
        .await
        .expect("the answer exists");
    (asked.body, message)
}

async fn press(double: &DiscordDouble, custom_id: &str, message: &Value, user: &TestUser) -> Value {
    interact(
        double,
        double.interaction_component(custom_id, message, user),
    )
    .await
    .body
}

#[tokio::test(flavor = "multi_thread")]
async fn a_brief_answer_has_a_more_like_this_button_that_answers_related_briefs() {
    let double = DiscordDouble::start().await;
    let _bot = start(&double).await;
    let member = double.member_user();
    let (reply, message) = brief(&double, "Trump Putin cyber unit plan", &member).await;
    let first = reply["data"]["embeds"][0]["title"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(first, "Trump and Putin plan a cyber security unit");
    let ids = custom_ids(&reply["data"]["components"]);
    assert!(
        ids.contains(&"related:cyber-unit".to_owned()),
        "the button names the brief shown: {ids:?}"
    );
    let row = &reply["data"]["components"][0]["components"];
    let more = row
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["custom_id"] == "related:cyber-unit")
        .unwrap();
    assert_eq!(more["label"], "More like this");

    // Anyone may press it; the answer is theirs alone.
    let other = double.admin_user();
    let answer = press(&double, "related:cyber-unit", &message, &other).await;
    assert_eq!(answer["type"], 4, "a message");
    assert_eq!(answer["data"]["flags"], 64, "only the presser sees it");
    assert_no_mentions(&answer["data"]);
    let embeds = answer["data"]["embeds"].as_array().unwrap();
    let titles: Vec<&str> = embeds.iter().filter_map(|e| e["title"].as_str()).collect();
    assert_eq!(
        titles,
        [
            "Kremlin denies meddling",
            "A cyber unit for the security of elections"
        ],
        "shared tag and speaker first, words next, the brief itself and the ferries never"
    );
    let reason = embeds[0]["description"].as_str().unwrap();
    assert!(
        reason.starts_with("*shares tag election hacking; quotes Vladimir Putin*"),
        "{reason}"
    );
    assert!(
        reason.contains("@\u{200b}everyone"),
        "a brief's text is defused: {reason}"
    );
    let words = embeds[1]["description"].as_str().unwrap();
    assert!(words.starts_with("*shares words "), "{words}");
    assert_eq!(embeds[0]["url"], "https://example.com/kremlin");
    assert!(
        answer["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("More like “Trump and Putin")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_button_follows_the_page_shown() {
    let double = DiscordDouble::start().await;
    let _bot = start(&double).await;
    let member = double.member_user();
    let (reply, message) = brief(&double, "cyber unit", &member).await;
    let ids = custom_ids(&reply["data"]["components"]);
    assert_eq!(ids.len(), 3, "previous, next, more like this: {ids:?}");
    let shown = |body: &Value| {
        custom_ids(&body["data"]["components"])
            .into_iter()
            .find(|id| id.starts_with("related:"))
            .unwrap()
    };
    let before = shown(&reply);
    let turned = press(&double, &ids[1], &message, &member).await;
    assert_eq!(turned["type"], 7, "the page turned");
    let after = shown(&turned);
    assert_ne!(before, after, "the button names the brief on the new page");
    assert!(custom_ids(&turned["data"]["components"]).contains(&ids[1]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_button_gets_a_clear_private_answer() {
    let double = DiscordDouble::start().await;
    let bot = start(&double).await;
    let member = double.member_user();
    let (_, message) = brief(&double, "ferries", &member).await;
    for (forged, says) in [
        ("related:no-such-brief", "is not in the library"),
        ("related:", "names no brief"),
        ("related:<@everyone> ../../etc", "names no brief"),
        ("related:CYBER-UNIT", "names no brief"),
    ] {
        let answer = press(&double, forged, &message, &member).await;
        assert_eq!(answer["type"], 4, "{forged}");
        assert_eq!(answer["data"]["flags"], 64, "{forged}");
        assert_no_mentions(&answer["data"]);
        let content = answer["data"]["content"].as_str().unwrap();
        assert!(content.contains(says), "{forged}: {content}");
        assert!(!content.contains("<@"), "{forged}: {content}");
    }
    // Still serving.
    let answer = press(&double, "related:ferries", &message, &member).await;
    assert!(
        answer["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("No other brief shares"),
        "{answer}"
    );
    assert!(!bot.logs().contains("panicked"), "{}", bot.logs());
}

#[tokio::test(flavor = "multi_thread")]
async fn said_answers_with_the_quotes_best_first_matches_bold_and_no_mentions() {
    let double = DiscordDouble::start().await;
    let _bot = start(&double).await;
    let member = double.member_user();
    let answer = interact(
        &double,
        double.interaction_command(
            "said",
            json!([
                {"name": "text", "type": 3, "value": "partnering ASSAD putin"},
                {"name": "limit", "type": 4, "value": 3}
            ]),
            &member,
        ),
    )
    .await;
    assert_eq!(answer.body["type"], 4);
    assert_no_mentions(&answer.body["data"]);
    let embed = &answer.body["data"]["embeds"][0];
    assert_eq!(embed["title"], "Who said “partnering ASSAD putin”?");
    let field = &embed["fields"][0];
    assert_eq!(
        field["name"],
        "Trump and Putin plan a cyber security unit (2017-07-09)"
    );
    let value = field["value"].as_str().unwrap();
    assert!(
        value.starts_with("“**Partnering** with **Putin**"),
        "matched words bold: {value}"
    );
    assert!(value.contains("**Assad**"), "{value}");
    assert!(value.contains("— Marco Rubio, US Senator"), "{value}");
    assert!(value.ends_with("https://example.com/cyber"), "{value}");

    // A quote's own markdown and mentions are shown as text.
    let answer = interact(
        &double,
        double.interaction_command(
            "said",
            json!([{"name": "text", "type": 3, "value": "lies nothing else"}]),
            &member,
        ),
    )
    .await;
    assert_no_mentions(&answer.body["data"]);
    let value = answer.body["data"]["embeds"][0]["fields"][0]["value"]
        .as_str()
        .unwrap();
    assert!(value.contains("\\*"), "{value}");
    assert!(value.contains("\\<@123>"), "{value}");

    // Nothing said: a private note.
    let answer = interact(
        &double,
        double.interaction_command(
            "said",
            json!([{"name": "text", "type": 3, "value": "harbour"}]),
            &member,
        ),
    )
    .await;
    assert_eq!(answer.body["data"]["flags"], 64);
    let content = answer.body["data"]["content"].as_str().unwrap();
    assert!(content.contains("No quote says"), "{content}");
}

#[tokio::test(flavor = "multi_thread")]
async fn help_lists_said_and_more_like_this() {
    let double = DiscordDouble::start().await;
    let _bot = start(&double).await;
    let answer = interact(
        &double,
        double.interaction_command("help", json!([]), &double.member_user()),
    )
    .await;
    let fields = answer.body["data"]["embeds"][0]["fields"].to_string();
    assert!(fields.contains("/said text:"), "{fields}");
    assert!(fields.contains("More like this"), "{fields}");
    let said = double
        .registered_commands(None)
        .into_iter()
        .find(|c| c["name"] == "said")
        .expect("/said is registered");
    assert_eq!(said["options"][0]["name"], "text");
    assert_eq!(said["options"][0]["required"], true);
    assert_eq!(said["options"][1]["name"], "limit");
}
