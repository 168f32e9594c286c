"""``bench app`` end to end at a small scale: a served app, three concurrent gradio_client sessions."""

from langchain_core.messages import AIMessage, HumanMessage

from assistant.bench.app import CODE_QUESTION, run, session_aware_step


def test_app_bench_three_sessions_no_errors_no_leaks_on_both_paths(small_settings, small_catalog):
    result = run(small_settings, sessions=3, catalog=small_catalog)
    for path, summary in result.summary().items():
        assert summary["errors"] == 0, (path, summary["error_examples"])
        assert summary["turns"] == 9 and summary["leaks"] == 0 and summary["remembered"] == 3, path
        assert 0 < summary["first_token_p50_s"] <= summary["final_p95_s"]
    assert set(result.summary()) == {"gradio", "v1"}
    assert "Gradio path (/chat_stream): 3 concurrent sessions" in result.report()
    assert "OpenAI path (/v1/chat/completions): 3 concurrent sessions" in result.report()


def test_scripted_step_answers_only_from_its_own_conversation():
    mine = [HumanMessage("I loved Heat. Please remember my watch-party code: mq-01-abc."), AIMessage("Noted."),
            HumanMessage(CODE_QUESTION)]
    assert session_aware_step(mine) == "Your watch-party code is mq-01-abc."
    assert session_aware_step([HumanMessage(CODE_QUESTION)]) == "You have not told me a code yet."


def test_leak_detection_counts_another_sessions_code(small_settings):
    from assistant.bench.app import AppBenchResult, TurnResult

    result = AppBenchResult(2, "scripted", codes={0: "mq-00-aaa", 1: "mq-01-bbb"})
    result.turns = [TurnResult(0, CODE_QUESTION, "Your watch-party code is mq-01-bbb."),
                    TurnResult(1, CODE_QUESTION, "Your watch-party code is mq-01-bbb.")]
    assert result.leaks() == [{"session": 0, "leaked_from": 1, "message": CODE_QUESTION}]
    assert result.remembered() == 1
