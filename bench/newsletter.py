"""Newsletter sending speed: queue and render a newsletter for N consenting members.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/community_bench \
        .venv/bin/python bench/newsletter.py --members 100000

Adds the missing bench members (verified address, newsletter consent) once, then sends one
newsletter through the real code (privacy.newsletter.sending.send: delivery rows, consent
re-check per batch, per-recipient signed unsubscribe links and headers, MIME serialisation) with
Django's locmem email backend, in a fresh process so its peak memory is the sending's own. The
outbox is emptied after each batch (a real SMTP connection keeps nothing either), so memory
measures the sending code, not the test outbox. Prints emails per second and memory at 10 % and
at 100 %.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
os.environ.setdefault("DEBUG", "1")  # a developer's machine, as under `make run`

PREFIX = "bench-nl-"


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def setup(members: int) -> None:
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from tqdm import tqdm

    from forums.models import User
    from privacy import consent
    from privacy.models import Consent

    existing = User.objects.filter(username__startswith=PREFIX).count()
    text = consent.current_text("signup-newsletter")
    chunk = 5000
    with tqdm(total=members, initial=existing, desc="members", unit="") as bar:
        for start in range(existing, members, chunk):
            with transaction.atomic():
                users = User.objects.bulk_create(
                    User(
                        username=f"{PREFIX}{n}",
                        email=f"{PREFIX}{n}@example.org",
                        password="!",  # unusable: nobody signs in as a bench member
                    )
                    for n in range(start, min(start + chunk, members))
                )
                EmailAddress.objects.bulk_create(
                    EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
                )
                Consent.objects.bulk_create(
                    Consent(
                        user=u,
                        purpose=consent.NEWSLETTER,
                        granted=True,
                        source=Consent.Source.SIGNUP,
                        text=text,
                    )
                    for u in users
                )
            bar.update(len(users))


def send(batch_size: int) -> None:
    from django.core import mail
    from django.test.utils import override_settings

    from privacy.models import Newsletter
    from privacy.newsletter import sending

    samples = []
    real_send_batch = sending.send_batch

    def measured_batch(*args, **kwargs):
        sent = real_send_batch(*args, **kwargs)
        samples.append((len(mail.outbox), rss_mb()))
        mail.outbox.clear()
        return sent

    sending.send_batch = measured_batch
    item = Newsletter.objects.create(
        subject="Bench: November news",
        # About 600 words in eight paragraphs: a typical monthly newsletter.
        body="# November\n\nThe best of the month: **ten topics**, two events and a "
        "[report](https://example.org/report).\n\n"
        + "\n\n".join(["A paragraph of news about the community. " * 12] * 8),
        status=Newsletter.Status.SENDING,
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        started = time.perf_counter()
        sending.create_deliveries(item)
        queued = time.perf_counter()
        total = sending.send(item.pk, batch_size=batch_size)
        finished = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tenth = samples[max(0, len(samples) // 10 - 1)][1]
    print(f"recipients:          {total}")
    print(f"queue (rows):        {queued - started:.1f} s")
    print(f"render and send:     {finished - queued:.1f} s")
    print(f"emails per second:   {total / (finished - queued):.0f} (sending)")
    print(f"                     {total / (finished - started):.0f} (queue + send)")
    print(f"memory at 10 %:      {tenth:.0f} MB")
    print(f"memory at 100 %:     {samples[-1][1]:.0f} MB")
    print(f"peak memory (RSS):   {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--send-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    import django

    django.setup()
    if args.send_only:
        send(args.batch_size)
        return
    setup(args.members)
    command = [sys.executable, __file__, "--send-only", "--batch-size", str(args.batch_size)]
    subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
