"""Whatever people type, what p2p posts to Slack stays within Block Kit's limits and pings
nobody: user text reaches every surface escaped, so markup in it shows as typed.

Property-based (Hypothesis, see tests/hostile_text.py): the DM that echoes an answer, the
question that shows what the role before handed on, the summary's parent and thread, the
stage-by-stage view, the Home tab and the answer, ask and review forms.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.rendering import Renderer, shorten
from bot.slack.blocks.answer_forms import (
    AnswerFormState,
    build_answer_form,
    build_ask_form,
    build_review_form,
    read_review_form,
)
from bot.slack.blocks.home import build_home_view
from bot.slack.blocks.messages import (
    QuickAnswer,
    SlackMessage,
    build_question_message,
    build_text_message,
    notice_text,
)
from bot.slack.blocks.summary import build_stage_view, build_summary_post
from bot.slack.ids import SETUP_INPUT
from bot.slack.listeners.actions import question_text
from bot.slack.payloads import ViewSubmission
from bot.workshop.core.model import Interview, InterviewStatus, WorkshopStatus
from bot.workshop.core.questions import Question
from bot.workshop.core.steps import describe_parts, expand_answers
from bot.workshop.ports import Handover, Notice, NoticeKind, QuestionPrompt
from bot.workshop.usecases.home import HomeInterview, HomeOverview, HomeWorkshop
from bot.workshop.usecases.revise import Review, ReviewItem
from tests.hostile_text import (
    HOSTILE_TEXT,
    PROFILE,
    SHORT_TEXT,
    markup_problems,
    message_problems,
    modal_problems,
)
from tests.hostile_workshop import (
    BANK,
    MENTIONED,
    STAGE_NAMES,
    TITLE,
    Answered,
    answer_everything,
    answered_workshops,
    hostile_workshop,
)

RENDERER = Renderer()


def shown(mrkdwn: str) -> str:
    """What Slack shows for escaped text."""
    return mrkdwn.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@PROFILE
@given(answered_workshops(), st.booleans())
def test_the_summary_and_its_thread_keep_to_block_kit_and_ping_nobody(
    answered: Answered, updated: bool
) -> None:
    named = answered.workshop.details.named
    post = build_summary_post(answered.analyse(), RENDERER, named=named, updated=updated)
    for message in (post.parent, *post.thread):
        assert len(message.blocks) <= 50
        assert message_problems(message.text, message.blocks, mentions=MENTIONED) == []


@PROFILE
@given(answered_workshops())
def test_the_stage_by_stage_view_keeps_to_block_kit_and_pings_nobody(answered: Answered) -> None:
    named = answered.workshop.details.named
    view = build_stage_view(answered.analyse(), RENDERER, named=named)
    assert modal_problems(view, mentions=MENTIONED) == []


@PROFILE
@given(TITLE, STAGE_NAMES, HOSTILE_TEXT, HOSTILE_TEXT, st.booleans())
def test_a_question_and_the_echo_of_its_answer_show_the_words_as_typed(
    title: str, stages: list[str], answer: str, handed_on: str, retry: bool
) -> None:
    workshop = hostile_workshop(title, stages)
    answered = answer_everything(workshop, [answer])
    interview = answered.interviews[0]
    first = answered.answers[0]
    question = BANK.find(workshop, interview.role_key, first.question_key)
    assert question is not None
    prompt = QuestionPrompt(
        user_id=interview.user_id,
        interview_id=interview.id,
        workshop=workshop,
        role=workshop.role(interview.role_key).name,
        question=question,
        number=1,
        total=4,
        first=True,
        upstream=Handover(role="Product Owner", text=handed_on),
        retry=retry,
        minutes=6,
        missing=tuple(p.key for p in question.asked_parts())[:1],
        have=describe_parts(question, first),
    )
    asked = build_question_message(prompt, RENDERER, BANK.quick_answers)
    assert message_problems(asked.text, asked.blocks, mentions=MENTIONED) == []
    echoed = describe_parts(question, first)
    closed = build_question_message(prompt, RENDERER, answered=echoed)
    assert message_problems(closed.text, closed.blocks, mentions=MENTIONED) == []
    echo = closed.blocks[-1]["elements"][0]["text"]
    assert shown(echo).strip() == f":white_check_mark: {shorten(echoed, 200)}".strip()


@PROFILE
@given(HOSTILE_TEXT)
def test_a_colleague_s_answer_is_passed_on_as_typed(text: str) -> None:
    notice = Notice(kind=NoticeKind.HANDED_ANSWERED, context={"colleague": "UCOL", "text": text})
    message = build_text_message(notice_text(notice, RENDERER))
    assert message_problems(message.text, message.blocks, mentions=("UCOL",)) == []
    assert shorten(text, 300) in shown(message.text)


@PROFILE
@given(st.lists(TITLE, min_size=1, max_size=8), SHORT_TEXT)
def test_the_home_tab_keeps_to_block_kit_and_pings_nobody(titles: list[str], role: str) -> None:
    pending, past, running = [], [], []
    for number, title in enumerate(titles, start=1):
        workshop = hostile_workshop(title, ["Idea", "Ship"]).model_copy(
            update={"id": number, "status": list(WorkshopStatus)[number % len(WorkshopStatus)]}
        )
        interview = Interview(
            id=number,
            workshop_id=number,
            user_id="UPRODUCT",
            role_key="product",
            status=list(InterviewStatus)[number % len(InterviewStatus)],
        )
        item = HomeInterview(
            interview=interview, workshop=workshop, role=role, answered=1, expected=4
        )
        (pending if number % 2 else past).append(item)
        running.append(HomeWorkshop(workshop=workshop, done=number, total=8))
    view = build_home_view(
        HomeOverview(pending=tuple(pending), past=tuple(past), running=tuple(running)), RENDERER
    )
    assert modal_problems(view, mentions=MENTIONED) == []


@PROFILE
@given(answered_workshops())
def test_the_answer_ask_and_review_forms_keep_to_block_kit_and_ping_nobody(
    answered: Answered,
) -> None:
    for review in reviews(answered):
        assert modal_problems(build_review_form(review, RENDERER), mentions=MENTIONED) == []
    workshop = answered.workshop
    for answer in answered.answers:
        interview = answered.interviews[answer.interview_id - 1]
        question = BANK.find(workshop, interview.role_key, answer.question_key)
        assert question is not None
        state = AnswerFormState(
            interview_id=interview.id, question_key=question.key, kind=question.kind
        )
        text = question_text(question, RENDERER)
        assert modal_problems(build_answer_form(question, text, RENDERER, state)) == []
        assert modal_problems(build_ask_form(text, RENDERER, state)) == []


def menus_under(stage: str) -> tuple[Question, SlackMessage]:
    """The figures step at `stage` (which receives work: every figure has a menu)."""
    workshop = hostile_workshop("Checkout", ["Idea", stage])
    question = next(
        q for q in BANK.questions_for(workshop, "engineering") if q.key == f"{stage}.figures"
    )
    prompt = QuestionPrompt(
        user_id="UENGINEERING", interview_id=123456, workshop=workshop, role="Engineering",
        question=question, number=1, total=4, first=False,
    )  # fmt: skip
    return question, build_question_message(prompt, RENDERER, BANK.quick_answers)


def picks(message: SlackMessage) -> list[QuickAnswer]:
    return [
        QuickAnswer.model_validate_json(element["options"][0]["value"])
        for block in message.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["type"] == "static_select"
    ]


def test_a_step_at_a_stage_with_a_long_name_keeps_its_menus() -> None:
    """A menu option carries at most 150 characters back to p2p, so it leaves the stage
    out of the part it answers; a pick still answers the right part."""
    question, message = menus_under("Security, compliance and architecture review")
    assert message_problems(message.text, message.blocks, mentions=MENTIONED) == []
    figures = [p.key for p in question.asked_parts() if p.kind.is_figure]
    assert [choice.part_key for choice in picks(message)] == figures
    assert {choice.question_key for choice in picks(message)} == {question.key}


def test_a_step_at_a_stage_whose_name_cannot_fit_a_menu_is_still_asked() -> None:
    """Sixty characters that each need escaping: no menu fits, so the step comes without
    menus (typing and the form still answer it) rather than not at all."""
    _, message = menus_under('"' * 60)
    assert message_problems(message.text, message.blocks, mentions=MENTIONED) == []
    assert picks(message) == []


def test_a_menu_from_an_older_message_still_names_its_part() -> None:
    """Messages sent before menus left the stage out carry the whole part key."""
    older = QuickAnswer(
        interview_id=1, question_key="Design.figures", text="1 day", part="Design.lead_time"
    )
    assert older.part_key == "Design.lead_time"
    assert QuickAnswer(interview_id=1, question_key="v1.2 Release.figures", text="1 day",
                       part="lead_time").part_key == "v1.2 Release.lead_time"  # fmt: skip
    assert QuickAnswer(interview_id=1, question_key="handing_on", text="rarely",
                       part="handover_returns").part_key == "handover_returns"  # fmt: skip


def reviews(answered: Answered) -> list[Review]:
    """Each participant's review of their answers, as p2p builds it."""
    workshop, found = answered.workshop, []
    for interview in answered.interviews:
        mine = [a for a in answered.answers if a.interview_id == interview.id]
        items = []
        for part in expand_answers(mine):
            question = BANK.find(workshop, interview.role_key, part.question_key)
            assert question is not None, part.question_key
            items.append(ReviewItem(question=question, answer=part))
        found.append(
            Review(
                workshop=workshop,
                interview=interview,
                role=workshop.role(interview.role_key).name,
                items=tuple(items[:20]),
                more=max(len(items) - 20, 0),
            )
        )
    return found


@PROFILE
@given(answered_workshops())
def test_a_review_saved_untouched_changes_no_answer(answered: Answered) -> None:
    """Every field comes back as the form showed it; none of that is an edit, not even
    an answer too long for its field, shown cut."""
    for review in reviews(answered):
        form = build_review_form(review, RENDERER)
        inputs = [b for b in form["blocks"] if b["type"] == "input"]
        submission = ViewSubmission(
            view_id="V1",
            callback_id=form["callback_id"],
            private_metadata=form["private_metadata"],
            values={
                b["block_id"]: {
                    SETUP_INPUT: {
                        "type": "plain_text_input",
                        "value": b["element"].get("initial_value"),
                    }
                }
                for b in inputs
            },
            input_blocks=frozenset(b["block_id"] for b in inputs),
        )
        _, edits, _ = read_review_form(submission)
        stored = {item.question.key: item.answer.raw_text for item in review.items}
        for key, (text, _) in edits.items():
            assert text.strip() == stored[key].strip(), f"{key} would be stored cut"


def test_the_markup_check_sees_raw_markup() -> None:
    """The check the properties rely on: raw markup is seen, escaped markup and p2p's own
    mentions are not."""
    assert markup_problems({"text": "hi <!channel>"})
    assert markup_problems({"text": "a <https://evil.example|click> b"})
    assert markup_problems({"text": "<@U123> says"}, mentions=("UPRODUCT",))
    assert markup_problems({"text": "cut <@U1"})
    assert not markup_problems({"text": "hi &lt;!channel&gt; <@UPRODUCT>"}, mentions=("UPRODUCT",))
    assert not markup_problems({"value": "<!channel>", "initial_value": "<!here>"})
    assert not markup_problems({"type": "plain_text", "text": "<!channel> shows as typed"})
    assert markup_problems({"type": "mrkdwn", "text": "<!channel>"})
