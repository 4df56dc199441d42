"""The dialog engine: one update in, replies out, the conversation saved in between.

It routes commands, button presses and text to the step the person is on, checks every
pressed button against who may do what, and keeps the conversation in the database so a
restart or a second instance continues where the person stopped.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from dialogs import logids
from dialogs import texts
from dialogs.cases import staff_chat
from dialogs.commands import CommandTable
from dialogs.doorbell import Doorbell
from dialogs.context import Ctx, DialogConfig
from dialogs.events import Event, Kind, Reply, Response
from dialogs.flow import BACK_TO_CURRENT, END, MENU, STAY, Flow, Next, Screen, Step, decode, qualify, to_buttons
from dialogs.i18n import resolve_locale, use_locale
from dialogs.reminders.outgoing import queue_for_others
from dialogs.reminders.unreachable import contact_lost
from dialogs.flows import clarify, said
from dialogs.safety import screen_text
from storage.errors import ConversationChanged
from storage.repos.cases import CaseRecord
from storage.store import Store

log = logging.getLogger("relier.dialogs")

MENU_STEP = "menu.main"
START_STEP = "onb.welcome"


@dataclass(frozen=True)
class PendingScreen:
    """A rendered step whose buttons get their version once the conversation is saved."""

    chat_id: int
    screen: Screen
    place: str
    edit: int | None

    def finish(self, version: int) -> Reply:
        flow, _, step = self.place.partition(".")
        buttons = to_buttons(self.screen, version, flow, step)
        return Reply(self.chat_id, self.screen.text, buttons, edit_message_id=self.edit)


class FlowError(RuntimeError):
    """A step jumped somewhere it did not declare: a bug, caught by the flow tests."""


class Dialogs:
    def __init__(
        self,
        store: Store,
        flows: Iterable[Flow],
        config: DialogConfig,
        commands: CommandTable,
        doorbell: Doorbell | None = None,
    ) -> None:
        self.store = store
        self.flows = {f.name: f for f in flows}
        self.config = config
        self.commands = commands
        self.doorbell = doorbell or Doorbell()  # rung when messages were left in the outbox

    def step(self, place: str) -> Step | None:
        flow, _, name = place.partition(".")
        found = self.flows.get(flow)
        return None if found is None else found.steps.get(name)

    async def handle(self, event: Event) -> Response:
        """Handle one update. Each runtime hands a person's updates over one at a time, in order
        (bot.telegram.app holds the one lock per person); another instance may still move the same
        conversation on, which the conversation's version catches (ConversationChanged: read again)."""
        if event.kind is Kind.MEMBERSHIP:
            if event.private:  # a group's membership (the staff chat) is left alone
                await self._membership(event)
            return Response()
        for _attempt in range(5):
            try:
                async with self.store.unit_of_work() as uow:
                    if staff_chat.concerns(event):  # the staff chat, or a case button: dialogs.cases
                        response, queued = await staff_chat.handle(self, uow, event), uow.outbox.enqueued
                    else:
                        response, queued = await self._handle(uow, event)
                    await uow.commit()
                if queued:
                    self.doorbell.ring()
                return response
            except ConversationChanged:
                # Another instance moved this conversation on: read it again.
                log.info("conversation changed under us user=%s, retrying", logids.user(event.user_id))
        raise RuntimeError("conversation kept changing")

    async def _membership(self, event: Event) -> None:
        """The person blocked the bot ("kicked": unreachable, the staff told if their case is open)
        or unblocked it ("member": reachable again). Nothing is answered."""
        async with self.store.unit_of_work() as uow:
            queued = 0
            if event.text == "kicked":
                queued = await contact_lost(uow, event.user_id, self.config.default_locale)
            elif event.text == "member":
                await uow.people.mark_reachable(event.user_id)
            await uow.commit()
        if queued:
            self.doorbell.ring()

    async def _handle(self, uow, event: Event) -> tuple[Response, int]:
        person, conversation = await uow.conversations.load_with_person(event.user_id)
        if person is not None:
            await uow.people.seen(person)  # retention counts silence from here (a write at most daily)
        before = (conversation.flow, conversation.step, copy.deepcopy(conversation.data))
        stored = person.locale if person else conversation.data.get("locale")
        locale = resolve_locale(stored, event.language_code, self.config.default_locale)
        ctx = Ctx(event, uow, person, conversation, self.config, locale)
        with use_locale(locale):
            response = await self._route(ctx)
        # What is meant for other people (a seat that freed up, a cancelled session) is not a reply:
        # it goes to the outbox in this same transaction, and the dispatcher sends it.
        others = [r for r in response.replies if isinstance(r, Reply) and r.chat_id != event.chat_id]
        if others:
            await queue_for_others(ctx, others)
            response.replies = [r for r in response.replies if not (isinstance(r, Reply) and r in others)]
        if ctx.forget:
            await uow.conversations.forget(event.user_id)
        elif (conversation.flow, conversation.step, conversation.data) != before:
            await uow.conversations.save(conversation)
        # Buttons carry the version the conversation has now that it is saved.
        response.replies = [
            r.finish(conversation.version) if isinstance(r, PendingScreen) else r for r in response.replies
        ]
        return response, uow.outbox.enqueued  # these, and what a step left in the outbox itself

    # -- routing -------------------------------------------------------------------------

    async def _route(self, ctx: Ctx) -> Response:
        event = ctx.event
        if event.kind is Kind.COMMAND:
            return await self.commands.run(self, ctx)
        if event.kind is Kind.BUTTON:
            return await self._press(ctx)
        if event.kind is Kind.TEXT:
            return await self._text(ctx)
        place = self.here(ctx)
        step = self.step(place)
        takes_media = event.kind is Kind.MEDIA and step is not None and step.on_media is not None
        # An edit, or a photo's caption, is screened too: danger is answered whatever carries it.
        screening = await screen_text(ctx, event.text, kept_by_step=takes_media) if event.text.strip() else None
        if event.kind is Kind.EDITED:
            response = self.message(ctx, texts.edited_message())
        elif takes_media:
            self._move(ctx, place)  # a step that takes media (a photo passed on to a psychologist)
            response = await self.follow(ctx, step, place, await step.on_media(ctx), edit=None)
        else:
            response = await self.show(ctx, place, notice=texts.media_not_read(), edit=None)
        if screening is not None:
            if screening.ask:
                response.replies.extend((await self.show(ctx, clarify.ASK, notice="", edit=None)).replies)
            response.replies[0:0] = screening.replies
        return response

    async def _text(self, ctx: Ctx) -> Response:
        case = await clarify.waiting(ctx)
        if case is not None:  # the direct question is on screen: this text is its answer
            return await self._answer(ctx, case)
        place = self.here(ctx)
        step = self.step(place)
        answers = step is not None and step.on_text is not None
        kept = answers and step.free_text  # the step keeps and passes on any text itself
        # before anything else; a short typed answer (a name, an age) is read by the rules only
        screening = await screen_text(ctx, ctx.event.text, kept_by_step=kept, typed_answer=answers and not kept)
        if (screening.answered or screening.ask) and not kept:
            # Not an answer to the question on screen (the message is on the case): ask it again after the
            # numbers, or ask whether the person is in danger.
            response = await self.show(ctx, clarify.ASK if screening.ask else place, notice="", edit=None)
        elif not answers:
            # Not a question that takes text: keep it, pass it on, or ask the person what to do with it.
            on_top, notice = await said.unheard(ctx, ctx.event.text)
            response = await self.show(ctx, on_top or place, notice=notice, edit=None)
        else:
            self._move(ctx, place)
            result = await step.on_text(ctx, ctx.event.text)
            response = await self.follow(ctx, step, place, result, edit=None)
            if screening.ask:  # the answer is taken; the question comes below it
                response.replies.extend((await self.show(ctx, clarify.ASK, notice="", edit=None)).replies)
        response.replies[0:0] = screening.replies
        return response

    async def _answer(self, ctx: Ctx, case: CaseRecord) -> Response:
        """A text typed while the direct question is on screen: screened first (kept by the question, so that
        it reaches the case once), then read as « yes », « no » or neither (dialogs.flows.clarify)."""
        text = ctx.event.text
        screening = await screen_text(ctx, text, kept_by_step=True)
        result = await clarify.typed(ctx, case, text, screening.answered, screening.assessment)
        response = await self.follow(ctx, self.step(clarify.ASK), clarify.ASK, result, edit=None)
        response.replies[0:0] = screening.replies
        return response

    async def _press(self, ctx: Ctx) -> Response:
        conversation = ctx.conversation
        pressed = decode(ctx.event.data)
        step = None if pressed is None else self.step(f"{pressed.flow}.{pressed.step}")
        if pressed is None or step is None or step.on_button is None:
            log.info("unknown button user=%s", logids.user(ctx.event.user_id))
            return await self._stale(ctx, texts.button_unknown())
        place = f"{pressed.flow}.{pressed.step}"
        if not self.allowed(step, ctx):
            log.warning("button refused user=%s place=%s", logids.user(ctx.event.user_id), place)
            return await self._stale(ctx, texts.button_not_for_you())
        current = pressed.version == conversation.version and self.here(ctx) == place
        if not current and not step.anytime:
            return await self._stale(ctx, texts.button_old())
        edit = ctx.event.message_id if pressed.version == conversation.version else None
        if not step.overlay:
            self._move(ctx, place)
        result = await step.on_button(ctx, pressed.action)
        response = await self.follow(ctx, step, place, result, edit=edit)
        if response.callback_text is None:
            response.callback_text = ""
        return response

    async def _stale(self, ctx: Ctx, notice: str) -> Response:
        response = await self.show(ctx, self.here(ctx), notice="", edit=None)
        response.callback_text = notice
        return response

    # -- places --------------------------------------------------------------------------

    def here(self, ctx: Ctx) -> str:
        """Where the person is: their saved step, or their menu, or the start."""
        conversation = ctx.conversation
        if conversation.flow and conversation.step:
            place = f"{conversation.flow}.{conversation.step}"
            step = self.step(place)
            if step is not None and self.allowed(step, ctx):
                return place
        return MENU_STEP if ctx.person is not None else START_STEP

    @staticmethod
    def allowed(step: Step, ctx: Ctx) -> bool:
        if step.roles is None:
            return True
        return ctx.role in step.roles

    @staticmethod
    def _move(ctx: Ctx, place: str) -> None:
        flow, _, step = place.partition(".")
        ctx.conversation.flow, ctx.conversation.step = flow, step

    def resolve(self, ctx: Ctx, target: str) -> str | None:
        if target == MENU:
            return MENU_STEP if ctx.person is not None else START_STEP
        if target == BACK_TO_CURRENT:
            return self.here(ctx)
        if target == END:
            return None
        return target

    async def follow(self, ctx: Ctx, step: Step, place: str, result: Next, edit: int | None) -> Response:
        target = qualify(place.partition(".")[0], result.target)
        if target not in step.goes_to and target not in (MENU, END, BACK_TO_CURRENT, STAY):
            raise FlowError(f"{place} jumped to {target}, not in its goes_to")
        if target == STAY:  # nothing to show: a notice at most
            notice = [Reply(ctx.event.chat_id, result.notice)] if result.notice else []
            return Response([*result.extra, *notice, *result.then])
        resolved = self.resolve(ctx, target)
        response = await self.show(ctx, resolved, notice=result.notice, edit=None if result.fresh else edit)
        response.replies[0:0] = list(result.extra)
        response.replies.extend(result.then)
        return response

    async def show(self, ctx: Ctx, place: str | None, notice: str, edit: int | None) -> Response:
        """Render a step (and move the person there), as an edit of `edit` or a new message."""
        if place is None:
            ctx.conversation.flow = ctx.conversation.step = None
            if notice:
                return self.message(ctx, notice, edit=edit)
            return Response()
        step = self.step(place)
        if step is None or not self.allowed(step, ctx):
            place = MENU_STEP if ctx.person is not None else START_STEP
            step = self.step(place)
            assert step is not None
        if not step.overlay:
            self._move(ctx, place)
        if place == clarify.ASK:  # the last screen: a typed text answers the question
            ctx.data[clarify.WAITING] = True
        else:
            ctx.data.pop(clarify.WAITING, None)
        screen = await step.render(ctx)
        if notice:
            screen = Screen(f"{notice}\n\n{screen.text}", screen.rows)
        return Response([PendingScreen(ctx.event.chat_id, screen, place, edit)])

    def message(self, ctx: Ctx, text: str, edit: int | None = None) -> Response:
        return Response([Reply(ctx.event.chat_id, text, edit_message_id=edit)])

