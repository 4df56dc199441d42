"""A French parent's check-in over real HTTP: Back, abandon, resume, and the history chart."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.test_onboarding_over_http import onboard, tap

FR = ["Continuer", "J'accepte", "Je suis parent", "Collège", "Non, c'est tout"]


async def test_a_french_parent_checks_in_goes_back_abandons_resumes_and_sees_the_chart(running_bot, telegram, clock):
    parent = telegram.user(first_name="Amina", language_code="fr")
    menu = await onboard(telegram, parent, FR)
    hub = await tap(telegram, parent, menu, "📝 Point de la semaine")
    mood = await tap(telegram, parent, hub, "▶️ Point pour Léo")
    school = await tap(telegram, parent, mood, "😟")
    again = await tap(telegram, parent, school, "« Retour")
    assert "Comment avez-vous trouvé Léo" in again.text
    school = await tap(telegram, parent, again, "😐")
    await tap(telegram, parent, school, "Tous les jours")

    await telegram.send_text(parent, "/menu")  # abandons halfway
    menu = await telegram.next_reply(parent)
    hub = await tap(telegram, parent, menu, "📝 Point de la semaine")
    msg = await tap(telegram, parent, hub, "▶️ Point pour Léo")
    assert "Comment avez-vous trouvé Léo" in msg.text  # a fresh check-in
    for label in ("🙂", "Tous les jours", "Non", "Bien", "🙂", "Passer"):
        msg = await tap(telegram, parent, msg, label)
    assert "Merci" in msg.text

    clock.advance(timedelta(days=7))
    hub = await tap(telegram, parent, msg, "« Menu")
    hub = await tap(telegram, parent, hub, "📝 Point de la semaine")
    await telegram.press(parent, hub, text="📈 Historique de Léo")
    photo = await telegram.wait_for_message(parent, predicate=lambda m: m.kind == "photo", timeout=15)
    assert photo.file_bytes.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Léo" in photo.text
    below = await telegram.next_reply(parent, predicate=lambda m: m.kind == "text", timeout=15)
    assert "Point de la semaine" in below.text  # the check-in screen comes back under the chart
