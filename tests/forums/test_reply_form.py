"""A topic's empty reply form is rendered once per process (community.frame): each member still
gets their own CSRF token, anti-spam stamp and topic, and what a member wrote is never kept."""

import pickle
import re
import time

import pytest
from django.core import signing
from django.core.cache import caches
from django.test import Client

from community.antispam import salt_for
from forums.forms import PostForm

from ..factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def form_of(html: str) -> dict[str, str]:
    form = html.split('<section class="card reply-box"', 1)[1].split("</form>", 1)[0]
    return {
        "action": re.search(r'<form method="post" action="([^"]+)"', form).group(1),
        "token": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1),
        "stamp": re.search(r'name="form_started" value="([^"]+)"', form).group(1),
        "html": form,
    }


def kept() -> str:
    return "".join(pickle.loads(value) for value in caches["frame"]._cache.values())


def test_each_member_gets_their_own_token_stamp_and_topic(strict_antispam):
    forms = []
    for post in (PostFactory(), PostFactory()):
        member = Client(enforce_csrf_checks=True)
        member.force_login(UserFactory())
        page = member.get(post.topic.get_absolute_url()).content.decode()
        forms.append((member, post.topic, form_of(page)))
    (_, first_topic, first), (second_member, second_topic, second) = forms
    assert first["action"] == f"{first_topic.get_absolute_url()}#reply"
    assert second["action"] == f"{second_topic.get_absolute_url()}#reply"
    assert first["token"] != second["token"] and first["stamp"] != second["stamp"]
    for form in (first, second):
        shown = float(signing.loads(form["stamp"], salt=salt_for(PostForm)))
        assert abs(time.time() - shown) < 60
    frame = kept()
    assert 'class="composer"' in frame and "hole-" in frame
    for form in (first, second):
        assert form["token"] not in frame and form["stamp"] not in frame
        assert form["action"] not in frame

    # The form as served works: the member's token and stamp are accepted.
    response = second_member.post(
        second_topic.get_absolute_url(),
        {
            "source": "A reply from the shared form.",
            "csrfmiddlewaretoken": second["token"],
            # The stamp as served, signed 30 seconds earlier: a person takes a while to write.
            "form_started": signing.dumps(
                float(signing.loads(second["stamp"], salt=salt_for(PostForm))) - 30,
                salt=salt_for(PostForm),
            ),
        },
    )
    assert response.status_code == 302
    assert second_topic.posts.filter(source="A reply from the shared form.").exists()


def test_what_a_member_wrote_is_shown_to_them_and_never_kept(client, user, strict_antispam):
    post = PostFactory(source="Words worth quoting")
    topic = post.topic
    client.force_login(user)
    stamp = form_of(client.get(topic.get_absolute_url()).content.decode())["stamp"]
    response = client.post(  # sent at once: too quick, shown again with what they wrote
        topic.get_absolute_url(), {"source": "x<b>only mine</b>", "form_started": stamp}
    )
    assert response.status_code == 400
    assert "x&lt;b&gt;only mine&lt;/b&gt;" in form_of(response.content.decode())["html"]
    client.get(topic.get_absolute_url())  # the empty form, kept
    assert "only mine" not in kept()
    quoted = client.get(f"{topic.get_absolute_url()}?quote={post.pk}")
    assert "&gt; Words worth quoting" in form_of(quoted.content.decode())["html"]
    assert "Words worth quoting" not in kept()
