"""Leads: scoring, status changes and conversion."""

from __future__ import annotations

import pytest

import crm


@pytest.fixture
def pipeline(db: crm.Crm) -> crm.Pipeline:
    return db.create_pipeline("Sales", [("Qualify", 10), ("Won", 100, "won"), ("Lost", 0, "lost")])


def test_create_and_read(db: crm.Crm) -> None:
    lead = db.create_lead(
        given_name="Jānis",
        family_name="Ozols",
        email="Janis@Ozols.LV",
        phone="+371 2000 0009",
        company_name="Ozols SIA",
        source="Web",
        utm={"source": "google", "campaign": "spring"},
    )
    assert lead.status == "new"
    assert lead.email == "janis@ozols.lv" and lead.phone == "+37120000009"
    assert lead.utm["source"] == "google" and lead.utm["medium"] is None
    assert db.get_lead(lead.id) == lead
    assert db.leads() == [lead]
    assert db.leads(status="qualified") == []
    assert lead.to_dict()["company_name"] == "Ozols SIA"
    with pytest.raises(crm.ValidationError) as e:
        db.create_lead(title="CEO")
    assert e.value.field == "given_name"
    with pytest.raises(TypeError):
        db.create_lead(name="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        db.create_lead(given_name="x", utm={"bogus": "y"})


def test_score_rules(db: crm.Crm) -> None:
    db.set_lead_score_rules(
        [
            {"condition": "has_email", "points": 10},
            {"condition": "source", "value": "referral", "points": 25},
        ]
    )
    rules = db.lead_score_rules()
    assert [(r.condition, r.value, r.points) for r in rules] == [("has_email", None, 10), ("source", "referral", 25)]
    lead = db.create_lead(given_name="A", email="a@example.com", source="referral")
    assert lead.score == 35
    db.set_lead_score_rules(rules[:1])
    assert db.get_lead(lead.id).score == 10
    with pytest.raises(crm.ValidationError) as e:
        db.set_lead_score_rules([{"condition": "has_email", "points": 5000}])
    assert e.value.field == "rules[0].points"
    with pytest.raises(crm.ValidationError) as e:
        db.set_lead_score_rules([{"condition": "is_rich", "points": 5}])
    assert e.value.field == "rules[0].condition"
    assert db.lead_score_rules() == rules[:1]


def test_status_changes(db: crm.Crm) -> None:
    lead = db.create_lead(given_name="A", email="a@example.com")
    working = db.update_lead(lead.id, lead.version, status="working", title="CTO")
    assert working.status == "working" and working.title == "CTO"
    with pytest.raises(crm.ValidationError) as e:
        db.update_lead(lead.id, working.version, status="disqualified")
    assert e.value.field == "disqualify_reason"
    out = db.update_lead(lead.id, working.version, status="disqualified", disqualify_reason="no budget")
    assert out.disqualify_reason == "no budget"
    with pytest.raises(crm.ValidationError) as e:
        db.update_lead(lead.id, out.version, status="converted")
    assert e.value.field == "status"


def test_convert_into_new_parties_and_opportunity(db: crm.Crm, pipeline: crm.Pipeline) -> None:
    lead = db.create_lead(given_name="Jānis", family_name="Ozols", email="janis@ozols.lv", company_name="Ozols SIA")
    db.record_interaction("email", "Hello", lead_id=lead.id)
    done, opp = db.convert_lead(
        lead.id, lead.version, opportunity={"pipeline_id": pipeline.id, "amount": crm.Money(250000, "EUR")}
    )
    assert done.status == "converted" and done.converted_at is not None
    assert done.person_id and done.organization_id and opp is not None
    assert done.opportunity_id == opp.id
    assert opp.amount == crm.Money(250000, "EUR") and opp.account_id == done.organization_id
    person = db.get_party(done.person_id)
    assert person.display_name == "Jānis Ozols" and person.parent_id == done.organization_id
    assert [i.subject for i in db.timeline(done.person_id)] == ["Hello"]


def test_convert_into_existing_or_skip(db: crm.Crm, anna: crm.Party) -> None:
    lead = db.create_lead(given_name="Anna", email="anna.other@acme.lv", company_name="Whatever")
    done, opp = db.convert_lead(lead.id, lead.version, person=anna.id, organization="skip")
    assert opp is None and done.person_id == anna.id and done.organization_id is None
    assert "anna.other@acme.lv" in [c.value for c in db.get_party(anna.id).contact_points]


def test_converting_twice_changes_nothing(db: crm.Crm, pipeline: crm.Pipeline) -> None:
    lead = db.create_lead(given_name="A", company_name="A SIA")
    done, _ = db.convert_lead(lead.id, lead.version)
    parties = db.count_parties()
    seq = db.events_after(0, 1000)[-1].seq
    with pytest.raises(crm.ValidationError) as e:
        db.convert_lead(lead.id, done.version, opportunity={"pipeline_id": pipeline.id, "amount": (1, "EUR")})
    assert e.value.field == "status"
    assert db.get_lead(lead.id) == done
    assert db.count_parties() == parties
    assert db.events_after(seq) == []


def test_convert_bad_input(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    lead = db.create_lead(given_name="A", company_name="A SIA")
    with pytest.raises(crm.ValidationError) as e:
        db.convert_lead(lead.id, lead.version, person=acme.id)
    assert e.value.field == "person"
    with pytest.raises(crm.ValidationError) as e:
        db.convert_lead(lead.id, lead.version, person="someone")
    assert e.value.field == "person"
    with pytest.raises(TypeError):
        db.convert_lead(lead.id, lead.version, opportunity={"amount": (1, "EUR")})
    with pytest.raises(TypeError):
        db.convert_lead(
            lead.id, lead.version, opportunity={"pipeline_id": anna.id, "amount": 12.5}
        )
    assert db.get_lead(lead.id) == lead
