"""« 📥 Download my data »: a readable summary and a JSON file with everything kept about the person (and a
parent's children), never a young person's own answers in their parent's file."""

from __future__ import annotations

import json

from tests.privacy.conftest import CHILD, PARENT_NAME, YOUTH_NAME


async def download(chat) -> tuple[str, dict]:
    await chat.command("privacy")
    assert "<b>How long</b>" in chat.screen and "24 months" in chat.screen
    await chat.press("Download my data")
    summary, document = chat.last.replies
    assert document.attachment is not None and document.attachment.kind == "document"
    assert document.attachment.filename.endswith(".json")
    return summary.text, json.loads(document.attachment.content)


async def test_a_parent_downloads_their_data_and_their_childrens_but_not_their_childs_answers(family):
    parent, youth = family["parent"], family["youth"]
    summary, data = await download(parent.chat)
    assert "Your children: Zéphyrin (13" in summary and "• 1 check-in" in summary and "• 1 booking" in summary
    assert "a young person's own answers" in summary
    assert data["you"]["name"] == PARENT_NAME and data["you"]["telegram_user_id"] == parent.user_id
    assert [c["first_name"] for c in data["children"]] == [CHILD]
    assert [c["message"] for c in data["checkins"]] == parent.texts
    assert data["requests_to_the_team"][0]["what_you_wrote"][0] == parent.kept[0]
    assert data["bookings"][0]["status"] == "booked"
    text = json.dumps(data, ensure_ascii=False)
    assert YOUTH_NAME not in text and not any(words in text for words in youth.texts + youth.kept)


async def test_a_young_person_downloads_their_own_data(family):
    youth = family["youth"]
    summary, data = await download(youth.chat)
    assert "Here is what Relier keeps about you." in summary and "working notes" in summary
    assert data["you"]["role"] == "youth" and data["you"]["name"] == YOUTH_NAME
    assert [c["message"] for c in data["checkins"]] == youth.texts
    assert "children" not in data


async def test_staff_and_strangers_have_no_download_button(core, centre, chat_for):
    stranger = chat_for(123, "en")
    await stranger.command("privacy")
    assert "Download my data" not in " ".join(stranger.labels())
