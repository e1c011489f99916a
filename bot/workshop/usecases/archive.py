"""Export and import use cases: a whole workshop out as a document, or in from one.

Each is one unit of work. An import creates a new workshop with new ids; exporting it again
gives the document it came from.
"""

from __future__ import annotations

from bot.workshop.core.analysis.question_finder import QuestionFinder
from bot.workshop.core.errors import WorkshopAlreadyActive
from bot.workshop.core.export import (
    ExportDocument,
    ExportedAnswer,
    ExportedParticipant,
    build_export,
)
from bot.workshop.core.interview import interpret_answer
from bot.workshop.core.model import (
    Answer,
    Assignment,
    Frozen,
    Interview,
    Workshop,
    WorkshopPlan,
    WorkshopStatus,
)
from bot.workshop.core.questions import (
    Question,
    QuestionKind,
    QuestionSection,
    QuestionTemplate,
)
from bot.workshop.core.steps import Interpretation
from bot.workshop.ports import UseCase
from bot.workshop.usecases.summarise import load_workshop
from storage import archive, workshops


class ImportResult(Frozen):
    workshop: Workshop
    participants: int
    answers: int
    unread: tuple[str, ...] = ()  # "user_id question_key": figures that stay text only


def plan_of(document: ExportDocument) -> WorkshopPlan:
    """What creating the imported workshop needs; participants in the document's order."""
    exported = document.workshop
    return WorkshopPlan(
        **exported.model_dump(include=set(WorkshopPlan.model_fields)),
        assignments=tuple(
            Assignment(user_id=p.user_id, role_key=p.role_key) for p in document.participants
        ),
    )


def interview_of(person: ExportedParticipant, *, interview_id: int, workshop_id: int) -> Interview:
    """The interview of an imported participant, last active at its latest moment (a new
    one is stored with id 0: `archive.insert_interviews` gives it its own)."""
    moments = [person.started_at, person.finished_at, *(a.answered_at for a in person.answers)]
    return Interview(
        **person.model_dump(include=set(Interview.model_fields)),
        id=interview_id,
        workshop_id=workshop_id,
        last_activity_at=max((m for m in moments if m is not None), default=None),
    )


def _question_for(questions: QuestionFinder, role_key: str, answer: ExportedAnswer) -> Question:
    """The bank's question; for a key it does not know, one of the kind the document gives."""
    known = questions.find(role_key, answer.question_key)
    if known is not None:
        return known
    kind = QuestionKind.TEXT if answer.kind is QuestionKind.STEP else answer.kind
    template = QuestionTemplate(key="imported", kind=kind, label="imported", text="-")
    section = QuestionSection.STAGE if answer.stage else QuestionSection.CLOSING
    return Question(key=answer.question_key, template=template, section=section, stage=answer.stage)


def read_figure(questions: QuestionFinder, role_key: str, answer: ExportedAnswer) -> Interpretation:
    """`parsed` as given; when a duration or percent answer has none (a sticky note), its raw
    text read as a reply in Slack would be: not accepted when no figure can be read."""
    if answer.parsed is not None:
        return Interpretation(accepted=True, parsed=answer.parsed)
    question = _question_for(questions, role_key, answer)
    if question.kind is QuestionKind.TEXT:
        return Interpretation(accepted=True)
    return interpret_answer(question, answer.raw_text)


class WorkshopArchive(UseCase):
    async def export_workshop(
        self, *, workshop_id: int | None = None, channel_id: str | None = None
    ) -> ExportDocument:
        """The workshop with that id, else the latest in that channel, else the latest."""
        workshop, everyone, answers = await load_workshop(
            self.database, workshop_id=workshop_id, channel_id=channel_id
        )
        return build_export(workshop, everyone, answers, self.bank)

    async def import_workshop(self, document: ExportDocument) -> ImportResult:
        """Store the document as a new workshop, with its participants and answers.

        Refuses (`WorkshopAlreadyActive`) a collecting workshop for a channel that already
        has one collecting answers.
        """
        exported = document.workshop
        unread: list[str] = []
        async with self.database.transaction() as session:
            if exported.status is WorkshopStatus.COLLECTING:
                active = await workshops.get_active_workshop(
                    session, team_id=exported.team_id, channel_id=exported.channel_id
                )
                if active is not None:
                    raise WorkshopAlreadyActive(title=active.title, channel_id=active.channel_id)
            plan = plan_of(document)
            workshop = await archive.insert_workshop(
                session,
                plan=plan,
                status=exported.status,
                created_at=exported.created_at,
                closed_at=exported.closed_at,
            )
            created = await archive.insert_interviews(
                session,
                workshop_id=workshop.id,
                interviews=[
                    interview_of(person, interview_id=0, workshop_id=workshop.id)
                    for person in document.participants
                ],
            )
            questions = QuestionFinder(self.bank, workshop)
            stored: list[Answer] = []
            for person, interview in zip(document.participants, created, strict=True):
                for answer in person.answers:
                    reading = read_figure(questions, person.role_key, answer)
                    if not reading.accepted:
                        unread.append(f"{person.user_id} {answer.question_key}")
                    stored.append(
                        Answer(
                            **answer.model_dump(include=set(Answer.model_fields) - {"parsed"}),
                            interview_id=interview.id,
                            parsed=reading.parsed,
                        )
                    )
            count = await archive.insert_answers(session, answers=stored)
        return ImportResult(
            workshop=workshop,
            participants=len(created),
            answers=count,
            unread=tuple(unread),
        )
