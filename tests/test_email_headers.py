"""Values that reach an email subject or header are one line: forms refuse control characters,
and a value stored before that rule cannot stop an email."""

import pytest

from forums.models import Category, Topic
from forums.tasks import notify_reply
from privacy.models import Newsletter, Sponsor
from privacy.newsletter import sending

from .factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db

LINE_BREAKERS = ["\r\nBcc: victim@example.org", "\n", "\r", "\t", "\x0b", "\x85", "\u2028"]


@pytest.mark.parametrize("breaker", LINE_BREAKERS)
def test_a_topic_title_with_a_line_break_gets_a_form_error(user_client, breaker):
    category = Category.objects.create(name="Rostering", slug="rostering")
    response = user_client.post(
        f"/c/{category.slug}/new/",
        {"title": f"Shrinkage{breaker} in December", "source": "What do you use?"},
    )
    assert response.status_code == 200
    assert "Use a single line of text" in response.content.decode()
    assert not Topic.objects.exists()


@pytest.mark.parametrize(
    "url, data",
    [
        ("/admin/privacy/newsletter/add/", {"body": "Hello."}),
        ("/admin/forums/category/add/", {"slug": "rostering", "position": "0"}),
        (
            "/admin/privacy/sponsor/add/",
            {"privacy_notice_url": "https://sponsor.example/privacy"},
        ),
    ],
)
def test_staff_cannot_save_a_subject_or_name_with_a_line_break(staff_client, url, data):
    field = {"newsletter": "subject", "category": "name", "sponsor": "name"}[url.split("/")[3]]
    response = staff_client.post(url, {**data, field: "News\r\nBcc: victim@example.org"})
    assert response.status_code == 200
    assert "Use a single line of text" in response.content.decode()
    assert not (Newsletter.objects.exists() or Sponsor.objects.exists())
    assert not Category.objects.filter(slug="rostering").exists()


def test_a_display_name_with_a_line_break_gets_a_form_error(user_client, user):
    response = user_client.post("/accounts/profile/", {"display_name": "Ada\r\nBcc: x@y.z"})
    assert "Use a single line of text" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == ""


def test_a_title_stored_with_a_line_break_still_sends_reply_notifications(mailoutbox):
    topic = TopicFactory(title="Rota tips")
    Topic.objects.filter(pk=topic.pk).update(title="Rota\r\nBcc: victim@example.org\u2028tips")
    notify_reply(PostFactory(topic=topic).pk)
    [email] = mailoutbox
    assert email.subject == 'New reply in "Rota Bcc: victim@example.org tips"'
    assert email.message()["Bcc"] is None
    assert email.to == [topic.author.email]


def test_a_notification_subject_shows_the_title_as_written_not_html_escaped(mailoutbox):
    topic = TopicFactory(title='Tom & Jerry\'s "rota"')
    notify_reply(PostFactory(topic=topic).pk)
    assert mailoutbox[0].subject == 'New reply in "Tom & Jerry\'s "rota""'


@pytest.mark.usefixtures("newsletter_subscriber")
def test_a_newsletter_subject_stored_with_a_line_break_still_sends(mailoutbox):
    item = Newsletter.objects.create(
        subject="November\nBcc: victim@example.org", body="Hello.", status=Newsletter.Status.SENDING
    )
    assert sending.send(item.pk) == 1
    assert mailoutbox[0].subject == "November Bcc: victim@example.org"
