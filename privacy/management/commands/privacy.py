"""The privacy officer's tools on the command line, for operators who script their work. Each
calls the same functions as the site and the admin (privacy/desk/cli.py).

python manage.py privacy requests [--overdue] [--now ISO-TIME]   # pending requests, as a table
python manage.py privacy export EMAIL_OR_USERNAME --to FILE.zip   # a member's copy of their data
python manage.py privacy erase EMAIL_OR_USERNAME --keep-posts|--remove-posts --reason TEXT [--yes]
python manage.py privacy inventory                               # rows and people per declaration
python manage.py privacy desk [--now ISO-TIME]                   # exit status 1 when a row is red
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy.desk import cli
from privacy.requests.errors import RequestError

from .enforce_retention import moment


class Command(BaseCommand):
    help = "Data requests, exports, erasure, the inventory and the desk, for operators."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True, metavar="SUBCOMMAND")
        requests = sub.add_parser("requests", help="Pending data requests as a table.")
        requests.add_argument("--overdue", action="store_true", help="Only overdue ones.")
        requests.add_argument("--now", type=moment, metavar="ISO-TIME", help="Evaluate then.")
        exporting = sub.add_parser("export", help="A member's copy of their data, as a ZIP.")
        exporting.add_argument("member", metavar="EMAIL_OR_USERNAME")
        exporting.add_argument("--to", required=True, type=Path, metavar="FILE.zip")
        erasing = sub.add_parser("erase", help="Erase a member's data (asks first).")
        erasing.add_argument("member", metavar="EMAIL_OR_USERNAME")
        posts = erasing.add_mutually_exclusive_group(required=True)
        posts.add_argument("--keep-posts", dest="keep_posts", action="store_true")
        posts.add_argument("--remove-posts", dest="keep_posts", action="store_false")
        erasing.add_argument("--reason", required=True, help="Why, for the request's record.")
        erasing.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        sub.add_parser("inventory", help="Rows of personal data and people, per declaration.")
        desk = sub.add_parser("desk", help="The desk's rows; exit status 1 when any is red.")
        desk.add_argument("--now", type=moment, metavar="ISO-TIME", help="Evaluate then.")

    def handle(self, *args, sub, **options):
        getattr(self, f"handle_{sub}")(**options)

    def write_lines(self, lines):
        for line in lines:
            self.stdout.write(line)

    def handle_requests(self, *, overdue=False, now=None, **options):
        today = timezone.localdate(now or timezone.now())
        found = cli.pending_requests(today, overdue=overdue)
        what = "overdue" if overdue else "pending"
        if not found:
            self.stdout.write(f"No {what} data requests on {today:%Y-%m-%d}.")
            return
        self.write_lines(cli.text_table(cli.request_lines(found, today)))
        self.stdout.write(f"{len(found)} {what} data requests on {today:%Y-%m-%d}.")

    def member(self, identifier):
        try:
            return cli.find_member(identifier)
        except cli.NotFound as error:
            raise CommandError(
                f"{error} A visitor without an account asks at /privacy/requests/new/ and proves "
                "the address is theirs."
            ) from None

    def handle_export(self, *, member, to, **options):
        user = self.member(member)
        if to.suffix.lower() != ".zip" or not to.parent.is_dir():
            raise CommandError("--to needs a FILE.zip in a folder that exists.")
        if to.exists():
            raise CommandError(f"{to} exists already: choose another name.")
        try:
            request = cli.export_member(user, to)
        except RequestError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Request #{request.pk}: the copy of the data is in {to}.")

    def handle_erase(self, *, member, keep_posts, reason, yes=False, **options):
        user = self.member(member)
        if not reason.strip():
            raise CommandError("--reason must say why.")
        posts = "kept as a former member's" if keep_posts else "removed"
        if not yes and not self.confirm(user.get_username(), posts):
            raise CommandError("Nothing was erased.")
        try:
            request = cli.erase_member(user, keep_posts=keep_posts, reason=reason.strip())
        except RequestError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Request #{request.pk}: {request.get_status_display()}. {request.outcome}"
        )

    def confirm(self, username: str, posts: str) -> bool:
        if not sys.stdin.isatty():
            raise CommandError("Give --yes to erase without a terminal to confirm at.")
        self.stdout.write(f"This erases {username}'s account and personal data; posts {posts}.")
        return input(f"Type {username} to confirm: ").strip() == username

    def handle_inventory(self, **options):
        self.write_lines(cli.text_table(cli.inventory_lines()))

    def handle_desk(self, *, now=None, **options):
        lines, red = cli.desk_lines(now or timezone.now())
        self.write_lines(lines)
        if red:
            sys.exit(1)
