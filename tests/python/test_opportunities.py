"""Pipelines and opportunities."""

from __future__ import annotations

from datetime import date

import pytest

import crm


@pytest.fixture
def pipeline(db: crm.Crm) -> crm.Pipeline:
    return db.create_pipeline(
        "Sales",
        [
            {"name": "Qualify", "probability": 10},
            ("Proposal", 50),
            ("Won", 100, "won"),
            {"name": "Lost", "probability": 0, "outcome": "lost"},
        ],
    )


def test_pipeline(db: crm.Crm, pipeline: crm.Pipeline) -> None:
    assert [s.name for s in pipeline.stages] == ["Qualify", "Proposal", "Won", "Lost"]
    assert [s.position for s in pipeline.stages] == [0, 1, 2, 3]
    won = pipeline.stage("Won")
    assert won is not None and won.outcome == "won" and won.probability == 100
    assert pipeline.stage("Nope") is None
    assert db.get_pipeline(pipeline.id) == pipeline
    assert db.pipelines() == [pipeline]
    assert pipeline.to_dict()["stages"][1]["name"] == "Proposal"
    with pytest.raises(crm.ValidationError):
        db.create_pipeline("Only open", [("A", 10)])
    with pytest.raises(TypeError):
        db.create_pipeline("Bad", [("A",)])  # type: ignore[list-item]


def test_create_update_move(db: crm.Crm, pipeline: crm.Pipeline, acme: crm.Party, anna: crm.Party) -> None:
    opp = db.create_opportunity(
        "Acme rollout",
        acme.id,
        pipeline.id,
        (1_000_00, "eur"),
        expected_close=date(2024, 12, 31),
        contacts=[(anna.id, "decision_maker")],
    )
    assert opp.status == "open" and opp.amount == crm.Money(100000, "EUR")
    assert opp.effective_probability == 10 and opp.weighted_amount == crm.Money(10000, "EUR")
    assert [(c.party_id, c.buying_role) for c in opp.contacts] == [(anna.id, "decision_maker")]
    assert db.get_opportunity(opp.id) == opp
    assert db.opportunities_of(acme.id) == [opp]

    up = db.update_opportunity(opp.id, opp.version, amount=crm.Money(200000, "EUR"), probability=30, owner="ilze")
    assert up.weighted_amount.amount == 60000 and up.owner == "ilze"
    proposal = pipeline.stages[1]
    moved = db.move_opportunity(up.id, up.version, proposal.id)
    assert moved.stage_id == proposal.id and len(moved.stage_history) == 2
    assert moved.stage_history[0].left_at is not None
    won = db.move_opportunity(moved.id, moved.version, pipeline.stages[2].id, reason="signed")
    assert won.status == "won" and won.close_reason == "signed" and won.closed_at is not None

    summary = db.pipeline_summary(pipeline.id)
    assert [s.count for s in summary.stages] == [0, 0, 1, 0]
    assert summary.stages[2].amount == {"EUR": 200000}


def test_a_stage_of_another_pipeline_changes_nothing(db: crm.Crm, pipeline: crm.Pipeline, acme: crm.Party) -> None:
    other = db.create_pipeline("Renewals", [("Open", 50), ("Won", 100, "won"), ("Lost", 0, "lost")])
    opp = db.create_opportunity("Deal", acme.id, pipeline.id, (100, "EUR"))
    with pytest.raises(crm.ValidationError) as e:
        db.move_opportunity(opp.id, opp.version, other.stages[0].id)
    assert e.value.field == "stage_id"
    with pytest.raises(crm.ValidationError) as e:
        db.create_opportunity("Deal 2", acme.id, pipeline.id, (100, "EUR"), stage_id=other.stages[0].id)
    assert e.value.field == "stage_id"
    assert db.get_opportunity(opp.id) == opp
    assert db.opportunities_of(acme.id) == [opp]


def test_bad_amounts(db: crm.Crm, pipeline: crm.Pipeline, acme: crm.Party) -> None:
    with pytest.raises(crm.ValidationError) as e:
        db.create_opportunity("Deal", acme.id, pipeline.id, (-1, "EUR"))
    assert e.value.field == "amount"
    with pytest.raises(crm.ValidationError) as e:
        db.create_opportunity("Deal", acme.id, pipeline.id, (1, "EURO"))
    assert e.value.field is not None and e.value.field.startswith("amount")
    with pytest.raises(TypeError):
        db.create_opportunity("Deal", acme.id, pipeline.id, (1.5, "EUR"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.create_opportunity("Deal", acme.id, pipeline.id, 100)  # type: ignore[arg-type]
    with pytest.raises(crm.ValidationError) as e:
        db.create_opportunity("Deal", acme.id, pipeline.id, (1, "EUR"), probability=150)
    assert e.value.field == "probability"
    assert db.opportunities_of(acme.id) == []
