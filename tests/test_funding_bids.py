"""Bids through their services: created with a source and call or a funder typed by
hand, moved only along the allowed transitions (each move recorded), reviewed by the
organisation's mentor or staff in a thread with files, reminded before their
deadline, private to the organisation's people, its mentor and staff; and the
board's figures computed in the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from funding.bids import selectors, services
from funding.models import Bid, BidComment, BidDocument, BidStatusChange
from incubator.notifications.models import Email, Reminder
from tests import factories

from .bid_support import bid_world
from .funding_support import at

PDF = b"%PDF-1.4 projekts"


@pytest.fixture
def w(funding_reference):
    return bid_world()


def _bid(w, place=None, by=None, **values):
    values = {"title": "Zaļā skola", "source": w.source, **values}
    return services.save_bid(place=place or w.place, by=by or w.owner, values=values)


def _errors(excinfo):
    return excinfo.value.message_dict


def test_a_bid_on_a_call_takes_the_call_deadline_and_is_reminded_of_it(w):
    bid = _bid(w, call=w.call, amount_requested=Decimal("5000"), chance=40)
    assert bid.source == w.source and bid.deadline == w.call.deadline
    assert bid.status == Bid.Status.IDEA
    assert list(bid.status_changes.values_list("from_status", "to_status")) == [("", "idea")]
    labels = set(
        Reminder.objects.filter(source=services.BID_SOURCE, object_id=bid.pk).values_list(
            "label", flat=True
        )
    )
    assert labels == {"before-14d", "before-3d"}


def test_a_funder_typed_by_hand_needs_no_source(w):
    bid = _bid(w, source=None, funder="  Novada kopienas fonds ")
    assert bid.funder == "Novada kopienas fonds" and bid.funder_name == "Novada kopienas fonds"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount_requested": Decimal("-1")}, "amount_requested"),
        ({"cofinancing": Decimal("-5")}, "cofinancing"),
        ({"chance": 150}, "chance"),
        ({"source": None, "funder": ""}, "funder"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(w, values, field):
    with pytest.raises(ValidationError) as excinfo:
        _bid(w, **values)
    assert field in _errors(excinfo)
    assert not Bid.objects.exists() and not BidStatusChange.objects.exists()


def test_a_call_of_another_source_is_refused(w):
    other = factories.FundingCallFactory(deadline=at(10))
    with pytest.raises(ValidationError) as excinfo:
        _bid(w, call=other)
    assert "call" in _errors(excinfo)
    assert not Bid.objects.exists()


def test_a_bid_moves_along_the_pipeline_and_each_move_is_recorded(w):
    bids = [_bid(w, title=title, deadline=at(20)) for title in ("A", "B", "C")]
    for bid, end in zip(bids, ["awarded", "rejected", "withdrawn"], strict=True):
        services.change_status(bid, "drafting", by=w.owner)
        services.change_status(bid, "submitted", by=w.colleague)
        amount = Decimal("1200.50") if end == "awarded" else None
        services.change_status(bid, end, by=w.staff, amount_awarded=amount)
    awarded, rejected, withdrawn = (Bid.objects.get(pk=b.pk) for b in bids)
    assert awarded.status == "awarded" and awarded.amount_awarded == Decimal("1200.50")
    assert rejected.amount_awarded is None and withdrawn.status == "withdrawn"
    assert list(awarded.status_changes.values_list("to_status", flat=True)) == [
        "idea",
        "drafting",
        "submitted",
        "awarded",
    ]
    # Submitted: its deadline is no longer reminded of.
    assert not Reminder.objects.filter(
        source=services.BID_SOURCE, object_id=awarded.pk, status=Reminder.Status.PENDING
    ).exists()
    assert awarded.history.count() >= 4


def test_moves_that_are_not_allowed_change_nothing(w):
    bid = _bid(w)
    with pytest.raises(ValidationError) as excinfo:
        services.change_status(bid, "awarded", by=w.owner, amount_awarded=Decimal("1"))
    assert "status" in _errors(excinfo)
    services.change_status(bid, "submitted", by=w.owner)
    with pytest.raises(ValidationError) as excinfo:
        services.change_status(bid, "awarded", by=w.owner)
    assert "amount_awarded" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.change_status(bid, "review", by=w.owner)
    assert "status" in _errors(excinfo)
    bid.refresh_from_db()
    assert bid.status == "submitted" and bid.status_changes.count() == 2


def test_only_the_organisation_and_staff_move_a_bid(w):
    bid = _bid(w)
    for outsider in (w.mentor, w.other, w.free_mentor):
        with pytest.raises(ValidationError):
            services.change_status(bid, "drafting", by=outsider)
    services.change_status(bid, "drafting", by=w.staff)
    assert Bid.objects.get(pk=bid.pk).status == "drafting"


def test_asking_the_mentor_for_a_review_notifies_them_and_their_comment_answers(w):
    bid = _bid(w, deadline=at(12))
    request = services.request_review(bid, reviewer=w.mentor, note="Budžets", by=w.owner)
    bid.refresh_from_db()
    assert bid.status == "review"
    email = Email.objects.get(key=f"{services.REVIEW_KIND}:{request.pk}:user:{w.mentor.pk}")
    assert "Zaļā skola" in email.subject
    # A second request to staff as well.
    services.request_review(bid, reviewer=w.staff, by=w.colleague)
    comment = services.comment(
        bid,
        text="Budžetā trūkst līdzfinansējuma.",
        file=SimpleUploadedFile("labojumi.pdf", PDF),
        by=w.mentor,
    )
    assert comment.files.get().name == "labojumi.pdf"
    answered = {r.reviewer_id: r.answered_at for r in bid.review_requests.all()}
    assert answered[w.mentor.pk] is not None and answered[w.staff.pk] is None
    told = set(
        Email.objects.filter(key__startswith=f"{services.COMMENT_KIND}:{comment.pk}:").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {w.owner.pk, w.colleague.pk}
    # The organisation answers: its reviewers still asked (staff) hear of it.
    reply = services.comment(bid, text="Paldies, izlabojām.", by=w.owner)
    told = set(
        Email.objects.filter(key__startswith=f"{services.COMMENT_KIND}:{reply.pk}:").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {w.staff.pk}


def test_a_review_is_asked_only_of_its_mentor_or_staff_and_only_by_the_organisation(w):
    bid = _bid(w)
    with pytest.raises(ValidationError) as excinfo:
        services.request_review(bid, reviewer=w.free_mentor, by=w.owner)
    assert "reviewer" in _errors(excinfo)
    with pytest.raises(ValidationError):
        services.request_review(bid, reviewer=w.mentor, by=w.other)
    assert not bid.review_requests.exists()
    assert Bid.objects.get(pk=bid.pk).status == "idea"
    assert set(services.reviewers_for(w.place)) == {w.mentor, w.staff}


def test_a_bad_file_keeps_neither_the_comment_nor_the_file(w):
    bid = _bid(w)
    with pytest.raises(ValidationError) as excinfo:
        services.comment(
            bid, text="Skat.", file=SimpleUploadedFile("x.pdf", b"MZ not a pdf"), by=w.mentor
        )
    assert "file" in _errors(excinfo)
    assert not BidComment.objects.exists() and not BidDocument.objects.exists()
    with pytest.raises(ValidationError) as excinfo:
        services.comment(bid, text="   ", by=w.mentor)
    assert "text" in _errors(excinfo)
    with pytest.raises(ValidationError):
        services.comment(bid, text="Sveiki", by=w.free_mentor)


def test_documents_are_checked_by_their_content(w):
    bid = _bid(w)
    for name in ("budzets.pdf", "apraksts.pdf", "pielikums.pdf"):
        services.add_document(bid, SimpleUploadedFile(name, PDF), by=w.owner)
    with pytest.raises(ValidationError) as excinfo:
        services.add_document(bid, SimpleUploadedFile("x.pdf", b"not a pdf"), by=w.owner)
    assert "file" in _errors(excinfo)
    with pytest.raises(ValidationError):
        services.add_document(bid, SimpleUploadedFile("y.pdf", PDF), by=w.mentor)
    assert sorted(bid.documents.values_list("name", flat=True)) == [
        "apraksts.pdf",
        "budzets.pdf",
        "pielikums.pdf",
    ]


def test_bids_are_private_to_the_organisation_its_mentor_and_staff(w):
    mine = [_bid(w, title=t) for t in ("A", "B")]
    theirs = _bid(w, place=w.other_place, by=w.other, title="C")
    ids = lambda user: set(selectors.bids_for(user).values_list("pk", flat=True))  # noqa: E731
    assert ids(w.owner) == ids(w.colleague) == ids(w.mentor) == {b.pk for b in mine}
    assert ids(w.other) == {theirs.pk}
    assert ids(w.free_mentor) == set()
    assert ids(w.staff) == {b.pk for b in mine} | {theirs.pk}


def _pipeline(w, place, by, rows):
    """rows: (status, amount requested, chance, amount awarded)."""
    path = {
        "idea": [],
        "drafting": ["drafting"],
        "submitted": ["submitted"],
        "awarded": ["submitted", "awarded"],
        "rejected": ["submitted", "rejected"],
        "withdrawn": ["submitted", "withdrawn"],
    }
    for index, (status, requested, chance, awarded) in enumerate(rows):
        bid = _bid(
            w,
            place=place,
            by=by,
            title=f"{status} {index}",
            amount_requested=requested,
            chance=chance,
        )
        for step in path[status]:
            services.change_status(bid, step, by=by, amount_awarded=awarded)


def test_the_board_figures_are_counted_in_the_database(w):
    _pipeline(
        w,
        w.place,
        w.owner,
        [
            ("idea", Decimal("1000"), 50, None),  # expected 500
            ("drafting", Decimal("2000"), None, None),  # no chance: no expectation
            ("submitted", Decimal("4000"), 25, None),  # expected 1000
            ("awarded", Decimal("3000"), 80, Decimal("2500")),
            ("rejected", Decimal("6000"), 30, None),
        ],
    )
    _pipeline(
        w,
        w.other_place,
        w.other,
        [
            ("awarded", Decimal("10000"), None, Decimal("8000")),
            ("withdrawn", Decimal("500"), 10, None),
        ],
    )
    totals, per_cohort = selectors.figures(selectors.board_bids(w.place.cycle))
    assert totals["started"] == 7
    assert totals["submitted"] == 5  # ever submitted, the withdrawn one too
    assert totals["awarded"] == 2 and totals["rejected"] == 1
    assert totals["success_rate"] == 67
    assert totals["requested_eur"] == Decimal("23500")
    assert totals["awarded_eur"] == Decimal("10500")
    assert totals["expected_eur"] == Decimal("1500")
    by_field = {row["cohort"].priority_field.code: row for row in per_cohort}
    assert by_field["environment"]["awarded_eur"] == Decimal("2500")
    assert by_field["environment"]["success_rate"] == 50
    assert by_field["culture"]["started"] == 2 and by_field["culture"]["success_rate"] == 100
    # Filters: by cohort and by funder.
    only = selectors.board_bids(w.place.cycle, {"cohort": w.other_place.cohort})
    assert only.count() == 2
    assert selectors.board_bids(w.place.cycle, {"funder": "aizsardzības"}).count() == 7
    assert selectors.board_bids(w.place.cycle, {"funder": "Nav tāda"}).count() == 0


def test_the_deadline_reminder_goes_to_the_organisations_people(w):
    import time_machine

    from incubator.notifications import services as notifications

    bid = _bid(w, deadline=at(10, 23, 59))
    with time_machine.travel(at(7, 23, 59) + datetime.timedelta(minutes=1), tick=False):
        notifications.dispatch(grace=datetime.timedelta(0), synchronous=True)
    told = set(
        Email.objects.filter(key__startswith=f"{services.BID_SOURCE}:{bid.pk}:").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {w.owner.pk, w.colleague.pk}


def test_a_person_who_opted_out_of_reminders_gets_no_bid_deadline_reminder(w):
    import time_machine

    from incubator.notifications import services as notifications

    w.colleague.optional_reminders = False
    w.colleague.save(update_fields=["optional_reminders"])
    bid = _bid(w, deadline=at(10, 23, 59))
    with time_machine.travel(at(7, 23, 59) + datetime.timedelta(minutes=1), tick=False):
        notifications.dispatch(grace=datetime.timedelta(0), synchronous=True)
    told = Email.objects.filter(key__startswith=f"{services.BID_SOURCE}:{bid.pk}:")
    assert set(told.values_list("recipient_id", flat=True)) == {w.owner.pk}


def test_the_admin_saves_a_bid_through_the_services(client, w):
    from django.urls import reverse

    bid = _bid(w, deadline=at(20))
    client.force_login(factories.AdminFactory())
    url = reverse("admin:funding_bid_change", args=[bid.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Zaļā skola 2",
            "source": w.source.pk,
            "funder": "",
            "description": "",
            "amount_requested": "-3",
            "cofinancing": "",
            "deadline_0": "",
            "deadline_1": "",
            "chance": "",
        },
    )
    assert response.status_code == 200  # the form with its error
    assert Bid.objects.get(pk=bid.pk).title == "Zaļā skola"
    for name in ("bidstatuschange", "bidreviewrequest", "bidcomment", "biddocument"):
        assert client.get(reverse(f"admin:funding_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:funding_{name}_add")).status_code == 403
