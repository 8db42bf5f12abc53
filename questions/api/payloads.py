"""Bodies of the question endpoints that more than the endpoint renders: the 200 body of
generate-questions and regenerate-questions is also the `result` of a generate-questions job
(jobs.ai_runners), so both build it here."""

from questions import services
from questions.api.serializers import GenerateQuestionsOutput


def generation_payload(result: services.GenerationResult, *, regenerated: bool) -> dict:
    """The body of a generation: `preserved_count` and `new_count` only say something for a
    regeneration (None otherwise)."""
    return GenerateQuestionsOutput(
        {
            "questions": result.questions,
            "generation_id": result.generation_id,
            "total": result.total,
            "preserved_count": result.preserved_count if regenerated else None,
            "new_count": result.new_count if regenerated else None,
            "fallback_count": result.fallback_count,
            "provider": result.provider,
        },
        context={"statuses": {}},
    ).data
