"""`semaine demo|serve|worker|generate|ledger|witness|manage`: thin wrappers around Django and
the services."""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

from tqdm import tqdm

DEMO_PORT = 8000


def _count(n: int, one: str, many: str) -> str:
    """« 0 événement », « 1 événement », « 2 événements » (in French 0 and 1 are singular)."""
    return f"{n} {one if n <= 1 else many}"


def _setup(env: dict | None = None):
    for key, value in (env or {}).items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaine.settings")
    # Django is loaded once the settings module is chosen above
    import django

    django.setup()


def _manage(*args: str) -> None:
    # Django is loaded by _setup() first, not when the command line starts
    from django.core.management import call_command

    call_command(*args)


def demo(args) -> int:
    """Migrate the embedded database, load the demo edition, start the web server and worker."""
    data_dir = os.environ.get("SEMAINE_DATA_DIR", os.path.join(os.getcwd(), "data"))
    demo_env = {"SEMAINE_ENV": "demo", "SEMAINE_SERVE_MEDIA": "1",
                "SEMAINE_EMAIL_DIR": os.path.join(data_dir, "e-mails"),
                "SEMAINE_LEDGER_INTERVAL": "10"}
    _setup(demo_env)
    # after _setup(): Django's settings and apps are ready only now
    from django.conf import settings

    print(f"Base de données : {settings.DATABASES['default']['NAME']}")
    _manage("migrate", "--no-input", "-v", "0")
    # after _setup(): Django's settings and apps are ready only now
    from semaine.seed.demo import DemoDataError, load_demo

    try:
        accounts = load_demo(progress=lambda message: print(f"  {message}"))
    except DemoDataError as exc:
        print(f"Données de démonstration illisibles : {exc}", file=sys.stderr)
        return 1
    if args.no_serve:
        _print_accounts(accounts, args.port)
        return 0
    env = {**os.environ, **demo_env}
    # A witness beside the log, as another institution would run one: it cosigns every block.
    from semaine.ledger.services import verifier
    from semaine.ledger.witness import load_or_create_key

    witness_dir = os.path.join(settings.DATA_DIR, "witness")
    key_file, state_file = os.path.join(witness_dir, "witness.key"), os.path.join(witness_dir, "state.json")
    witness_key = load_or_create_key(key_file, "temoin.demo.semaine.localhost")
    witness_address = f"127.0.0.1:{args.port + 1}"
    witness_command = [sys.executable, "-m", "semaine.cli", "witness", "--listen", witness_address,
                       "--key", key_file, "--state", state_file,
                       "--log", f"{settings.LEDGER_ORIGIN}={verifier()}"]
    env["SEMAINE_LEDGER_WITNESSES"] = f"http://{witness_address} {witness_key.verifier}"
    web_command = [sys.executable, "-m", "gunicorn", "semaine.wsgi:application", "--bind",
                   f"127.0.0.1:{args.port}", "--workers", "2", "--threads", "4",
                   "--access-logfile", "-", "--log-level", "warning"]
    worker_log = open(os.path.join(settings.DATA_DIR, "worker.log"), "a")  # noqa: SIM115
    supervisor = Supervisor([
        Child("le témoin", witness_command, env, stdout=subprocess.DEVNULL),
        Child("le serveur web", web_command, env, essential=True),
        Child("le worker", [sys.executable, "-m", "semaine.cli", "worker"], env, stdout=worker_log,
              stderr=subprocess.STDOUT, log=worker_log.name),
    ])
    supervisor.start()
    time.sleep(1.5)
    _print_accounts(accounts, args.port)
    signal.signal(signal.SIGTERM, lambda *_: supervisor.request_stop())
    try:
        return supervisor.run()
    except KeyboardInterrupt:
        return 0
    finally:
        supervisor.stop()
        worker_log.close()


class Child:
    """A process the demo runs: restarted when it stops, unless it is ``essential`` (then the
    whole demo stops)."""

    def __init__(self, name: str, command: list[str], env: dict | None = None, *,
                 essential: bool = False, stdout=None, stderr=None, log: str = ""):
        self.name, self.command, self.env, self.essential = name, command, env, essential
        self.stdout, self.stderr, self.log = stdout, stderr, log
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.quick_failures = 0
        self.restart_at: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own executables
            self.command, env=self.env, stdout=self.stdout, stderr=self.stderr)
        self.started_at = time.monotonic()
        self.restart_at = None


class Supervisor:
    """Runs the demo's processes: a worker or witness that stops is announced on the console
    with its exit code and started again after a pause that doubles with each quick failure
    (``backoff`` seconds, then twice, four times… at most ``max_backoff``); after
    ``max_quick_failures`` failures in a row, each within ``quick`` seconds of its start, the
    demo stops with a message. If the web server stops, everything stops."""

    def __init__(self, children: list[Child], *, poll: float = 0.5, backoff: float = 1.0,
                 max_backoff: float = 30.0, quick: float = 30.0, max_quick_failures: int = 5,
                 out=None):
        self.children = children
        self.poll, self.backoff, self.max_backoff = poll, backoff, max_backoff
        self.quick, self.max_quick_failures = quick, max_quick_failures
        self.out = out if out is not None else (lambda line: print(line, flush=True))
        self._stop = False

    def start(self) -> None:
        for child in self.children:
            child.start()

    def request_stop(self) -> None:
        self._stop = True

    def run(self) -> int:
        """Watch the processes until asked to stop (0) or until the demo cannot go on (1)."""
        while not self._stop:
            now = time.monotonic()
            for child in self.children:
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        child.start()
                        self.out(f"{child.name.capitalize()} redémarre "
                                 f"(processus {child.process.pid}).")
                    continue
                code = child.process.poll()
                if code is None:
                    continue
                if child.essential:
                    self.out(f"{child.name.capitalize()} s'est arrêté (code {code}) : "
                             "arrêt de la démonstration.")
                    return 1
                if now - child.started_at < self.quick:
                    child.quick_failures += 1
                else:
                    child.quick_failures = 1
                see = f" Voir {child.log}." if child.log else ""
                if child.quick_failures >= self.max_quick_failures:
                    self.out(f"{child.name.capitalize()} s'est arrêté {child.quick_failures} fois "
                             f"de suite peu après son démarrage (dernier code {code}) : "
                             f"arrêt de la démonstration.{see}")
                    return 1
                delay = min(self.max_backoff, self.backoff * 2 ** (child.quick_failures - 1))
                self.out(f"{child.name.capitalize()} s'est arrêté (code {code}) ; "
                         f"redémarrage dans {delay:g} s.{see}")
                child.restart_at = now + delay
            time.sleep(self.poll)
        return 0

    def stop(self) -> None:
        """Stop every process still running (SIGTERM, then SIGKILL after 10 s)."""
        self._stop = True
        running = [child.process for child in self.children
                   if child.process is not None and child.process.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _print_accounts(accounts: dict, port: int) -> None:
    print()
    print(f"Semaine de l'innovation publique : http://127.0.0.1:{port}/")
    print("Comptes de démonstration (mot de passe entre parenthèses) :")
    email, password = accounts["coordinator"]
    print(f"  coordination nationale : {email} ({password})")
    for organisation, email, password in accounts["editors"]:
        print(f"  {organisation} : {email} ({password})")
    if accounts.get("admin"):
        email, password = accounts["admin"]
        print(f"  administration (/admin/) : {email} ({password})")
    print(f"Courriels envoyés : un fichier chacun dans {os.environ.get('SEMAINE_EMAIL_DIR', '')}")
    print(f"Registre public : http://127.0.0.1:{port}/registre/ (un bloc toutes les 10 s, cosigné par le "
          f"témoin http://127.0.0.1:{port + 1}/)")
    print(f"API des données ouvertes : http://127.0.0.1:{port}/api/docs (jetons d'API : espace "
          "organisateur, « Jetons d’API », pour les administrateurs d'une organisation)")
    print("Arrêt : Ctrl+C")
    sys.stdout.flush()


def serve(args) -> int:
    """Production web server: gunicorn, configured by the environment."""
    _setup()
    # after _setup(): Django's settings and apps are ready only now
    from django.conf import settings

    for option, setting in (("bind", "SEMAINE_BIND"), ("workers", "SEMAINE_WEB_CONCURRENCY"),
                            ("threads", "SEMAINE_THREADS"), ("timeout", "SEMAINE_TIMEOUT")):
        if getattr(args, option) is None:
            setattr(args, option, getattr(settings, setting))
    _manage("collectstatic", "--no-input", "-v", "0")
    if args.migrate:
        _manage("migrate", "--no-input")
    os.execvp(sys.executable, serve_command(args))  # noqa: S606 - replaces this process
    return 0


def serve_command(args) -> list[str]:
    """gunicorn with threads (``gthread``): a request that waits on a slow client (a large
    open-data file read from disk) holds one thread, not a whole process, and the other threads
    go on answering pages. No request computes a large file (they are built by the worker), so
    the timeout only catches a process that stopped answering."""
    return [sys.executable, "-m", "gunicorn", "semaine.wsgi:application", "--bind", args.bind,
            "--worker-class", "gthread", "--workers", str(args.workers),
            "--threads", str(args.threads), "--timeout", str(args.timeout),
            "--graceful-timeout", "30", "--keep-alive", "5", "--access-logfile", "-"]


def worker(args) -> int:
    """Runs background tasks (e-mails, imports, sealing the ledger) from the database queue."""
    _setup()
    # after _setup(): Django's settings and apps are ready only now
    from semaine.core import scheduler

    scheduler.start()
    _manage("db_worker", "--interval", str(args.interval))
    return 0


def generate(args) -> int:
    _setup()
    # after _setup(): Django's settings and apps are ready only now
    from semaine.seed.generate import generate_edition

    result = generate_edition(events=args.events, edition_slug=args.edition, seed=args.seed)
    print(f"{_count(result['events'], 'événement', 'événements')}, "
          f"{_count(result['slots'], 'créneau', 'créneaux')}, "
          f"{_count(result['organisations'], 'organisation', 'organisations')} dans l'édition "
          f"« {result['edition']} ».")
    return 0


def ledger(args) -> int:
    """The public ledger: seal waiting entries, verify a log (this one or another's), mirror one,
    start a new log under a new origin and key (the old one archived)."""
    _setup()
    # after _setup(): Django's settings and apps are ready only now
    from semaine.ledger import audit, services

    if args.action == "key":
        print(services.verifier())
        return 0
    if args.action == "rotate":
        try:
            archive = services.rotate()
        except (services.LedgerError, audit.AuditError) as exc:
            print(f"ÉCHEC : {exc}", file=sys.stderr)
            return 1
        entries = _count(archive.size, "entrée", "entrées")
        print(f"Ancien registre {archive.origin} ({entries}) archivé et vérifié : "
              f"/ledger/archives/{archive.name}/")
        print(f"Nouveau registre {services.verifier().name}, clé de vérification :")
        print(services.verifier())
        return 0
    if args.action == "seal":
        blocks = services.seal_and_cosign()
        for block in blocks:
            print(f"bloc {block.number} : entrées {block.first_index} à {block.last_index}")
        if not blocks:
            print("Aucune entrée en attente.")
        return 0
    if args.action == "verify":
        return _verify(args)
    if args.action == "mirror":
        if not args.url:
            print("Indiquez l'adresse du registre à copier (…/ledger).", file=sys.stderr)
            return 2
        # after _setup(): Django's settings and apps are ready only now
        from django.conf import settings

        into = args.into or os.path.join(settings.DATA_DIR, "mirrors",
                                         services.folder_name(args.url.split("://", 1)[-1]))
        try:
            report = audit.mirror(audit.HttpSource(args.url, timeout=args.timeout), into, key=args.key)
        except audit.AuditError as exc:
            print(f"ÉCHEC : {exc}", file=sys.stderr)
            return 1
        print(f"{report.origin} : {_count(report.size, 'entrée vérifiée', 'entrées vérifiées')} "
              f"et copiées dans {into}")
        return 0
    return 2


def _verify(args) -> int:
    """``semaine ledger verify [URL]``: the log rebuilt and checked; here, the programme in the
    database against it; at a URL, what the node publishes (its API) against it. Every problem
    is one French line on standard error; the exit status is 1 if there is any."""
    # called by ledger() once Django is set up: loaded by the one command that needs it
    from semaine.ledger import audit

    pending, data, site = [], None, None
    try:
        if args.url:
            # only for a URL: comparing with another node's public data
            from semaine.ledger import compare

            source = audit.HttpSource(args.url, timeout=args.timeout)
            verifier = audit.parse_key(args.key, "--key") if args.key else audit.parse_key(source.key())
            report = audit.verify(source, verifier, keep_entries=True)
            site = compare.site_of(args.url) if args.site is None else args.site.rstrip("/")
            if site:
                data = compare.check_public_data(args.url, report.entries, site=site, timeout=args.timeout)
                report.problems += data.problems
                pending = data.pending
        else:
            # only without a URL: the check of this database
            from semaine.ledger.reconcile import verify_here

            report, _ = verify_here()
    except audit.AuditError as exc:
        print(f"ÉCHEC : {exc}", file=sys.stderr)
        return 1
    print(f"{report.origin} : {_count(report.size, 'entrée', 'entrées')}, "
          f"{_count(report.checkpoints, 'point de contrôle vérifié', 'points de contrôle vérifiés')}, "
          f"racine {report.root.hex()}")
    if args.url and data is not None:
        print(f"Données publiques de {site} : "
              f"{_count(data.events, 'événement publié comparé', 'événements publiés comparés')} à la "
              f"dernière entrée de {_count(data.recorded, 'événement enregistré', 'événements enregistrés')}")
    elif args.url:
        print("Données publiques non comparées : aucun site n’est indiqué (une adresse …/ledger, "
              "ou --site)")
    for line in pending:
        print(f"EN ATTENTE : {line} (modifié après son dernier enregistrement scellé : "
              "à vérifier de nouveau après le prochain bloc)")
    for problem in report.problems:
        print(f"ÉCHEC : {problem}", file=sys.stderr)
    return 0 if report.ok else 1


def hackathon(args) -> int:
    """``semaine hackathon verify URL``: a hackathon's published results checked from outside (the
    ranking recomputed from the published sheets, each record found in the signed log)."""
    _setup()
    from semaine.hackathons import verify  # Django is set up first, by _setup()

    report = verify.verify(args.url, timeout=args.timeout)
    for line in report.checked:
        print(line)
    for problem in report.problems:
        print(f"ÉCHEC : {problem}", file=sys.stderr)
    return 0 if report.ok else 1


def witness(args) -> int:
    """A C2SP tlog-witness for other institutions' logs (no database needed)."""
    # the witness needs no database: only its own modules are loaded, when it starts
    from semaine.ledger.note import Verifier
    from semaine.ledger.witness import Witness, load_or_create_key

    logs: dict = {}
    for item in args.log:
        origin, _, key = item.partition("=")
        logs.setdefault(origin, []).append(Verifier.parse(key))
    signer = load_or_create_key(args.key, args.name)
    node = Witness(signer, logs, args.state)
    host, _, port = args.listen.rpartition(":")

    class Quiet(WSGIRequestHandler):
        def log_message(self, format, *a):  # noqa: A002
            pass

    server = make_server(host or "127.0.0.1", int(port), node.wsgi, handler_class=Quiet)
    print(f"témoin {signer.verifier} sur http://{args.listen}/add-checkpoint", flush=True)
    server.serve_forever()
    return 0


def openagenda(args) -> int:
    """Import an OpenAgenda export into a programme, or export a programme in its shape."""
    _setup()
    # after _setup(): Django's settings and apps are ready only now
    from django.core.exceptions import PermissionDenied, ValidationError

    from semaine.interop import openagenda as oa
    from semaine.organisers.models import Organisation

    try:
        if args.action == "export":
            # after _setup(): Django's settings and apps are ready only now
            from semaine.agenda.models import Programme

            programmes = Programme.objects.filter(slug=args.programme)
            if args.edition:
                programmes = programmes.filter(edition__slug=args.edition)
            found = list(programmes.select_related("edition", "organisation")[:2])
            if len(found) != 1:
                print("Programme introuvable, ou présent dans plusieurs éditions : précisez "
                      "--edition.", file=sys.stderr)
                return 2
            document = oa.export_programme(found[0], published_only=not args.all_states)
            text = json.dumps(document, ensure_ascii=False, indent=1)
            if args.output:
                with open(args.output, "w", encoding="utf-8") as out:
                    out.write(text)
                written = _count(document["total"], "événement écrit", "événements écrits")
                print(f"{written} dans {args.output}.", file=sys.stderr)
            else:
                print(text)
            return 0
        if not (args.file and args.organisation):
            print("Indiquez le fichier et --organisation.", file=sys.stderr)
            return 2
        organisation = Organisation.objects.filter(slug=args.organisation).first()
        if organisation is None:
            print(f"Organisation « {args.organisation} » introuvable.", file=sys.stderr)
            return 2
        programme = oa.find_programme(organisation, args.programme, args.edition)
        actor = _cli_actor(organisation, args.user)
        with open(args.file, "rb") as source:
            document = oa.read_document(source.read(oa.max_bytes() + 1))
        track_keywords = {}
        for item in args.track:
            keyword, _, slug = item.partition("=")
            track = programme.tracks.filter(slug=slug).first()
            if track is None:
                print(f"Parcours « {slug} » introuvable dans le programme.", file=sys.stderr)
                return 2
            track_keywords[keyword] = track
        with tqdm(total=len(document["events"]), unit="événements", file=sys.stderr,
                  dynamic_ncols=True) as bar:
            lines = oa.import_document(
                actor, programme, document, track_keywords=track_keywords, submit=args.submit,
                progress=lambda done, total: bar.update(done - bar.n),
            )
    except (ValidationError, PermissionDenied, OSError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        print("ÉCHEC : " + " ".join(messages), file=sys.stderr)
        return 1
    counts: dict = {}
    for line in lines:
        counts[line.outcome] = counts.get(line.outcome, 0) + 1
        if line.message:
            print(f"{oa.outcome_label(line.outcome)} · {line.uid} · {line.title} : {line.message}")
    print(", ".join(f"{oa.outcome_label(outcome)} : {count}" for outcome, count in counts.items())
          or "Aucun événement dans le fichier.")
    return 0


def _cli_actor(organisation, email: str | None):
    """Who the import acts for: the given member, else the organisation's first administrator
    (or first member)."""
    # called after _setup(): Django's apps are ready
    from django.core.exceptions import ValidationError

    from semaine.organisers.models import Role

    memberships = organisation.memberships.select_related("user").order_by("-role", "pk")
    if email:
        memberships = memberships.filter(user__email__iexact=email)
    membership = memberships.filter(role=Role.ADMIN).first() or memberships.first()
    if membership is None:
        raise ValidationError("Aucun membre de l'organisation pour signer l'import (--user).")
    return membership.user


def manage(args) -> int:
    _setup()
    # after _setup(): Django's settings and apps are ready only now
    from django.core.management import execute_from_command_line

    execute_from_command_line(["semaine", *args.rest])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="semaine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("demo", help="load the demo edition and run the web server and worker")
    p.add_argument("--port", type=int, default=DEMO_PORT)
    p.add_argument("--no-serve", action="store_true", help="load the data and stop")
    p.set_defaults(func=demo)

    p = commands.add_parser("serve", help="production web server (gunicorn)")
    p.add_argument("--bind", help="address:port (default: SEMAINE_BIND, 0.0.0.0:8000)")
    p.add_argument("--workers", type=int, help="processes (default: SEMAINE_WEB_CONCURRENCY, 3)")
    p.add_argument("--threads", type=int, help="threads per process, each answering one request at a "
                                               "time (default: SEMAINE_THREADS, 8)")
    p.add_argument("--timeout", type=int, help="seconds before a process that stopped answering is "
                                               "restarted (default: SEMAINE_TIMEOUT, 60)")
    p.add_argument("--migrate", action="store_true", help="apply migrations first")
    p.set_defaults(func=serve)

    p = commands.add_parser("worker", help="run background tasks")
    p.add_argument("--interval", type=float, default=1.0)
    p.set_defaults(func=worker)

    p = commands.add_parser("generate", help="build a large synthetic edition")
    p.add_argument("--events", type=int, default=1000)
    p.add_argument("--edition", default="synthetique")
    p.add_argument("--seed", type=int, default=2017)
    p.set_defaults(func=generate)

    p = commands.add_parser("ledger", help="the public ledger: seal, verify, mirror, key, rotate")
    p.add_argument("action", choices=["seal", "verify", "mirror", "key", "rotate"])
    p.add_argument("url", nargs="?", help="another node's ledger (…/ledger) to verify or mirror")
    p.add_argument("--key", help="the log's verifier key (default: fetched from the node, pinned)")
    p.add_argument("--into", help="mirror folder (default: DATA_DIR/mirrors/<host>)")
    p.add_argument("--site", help="the site whose public data to compare with the log "
                                  "(default: the URL without its /ledger; \"\" for none)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each answer")
    p.set_defaults(func=ledger)

    p = commands.add_parser("hackathon", help="verify a hackathon's published results")
    p.add_argument("action", choices=["verify"])
    p.add_argument("url", help="the results page (…/hackathons/<id>/resultats/)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each answer")
    p.set_defaults(func=hackathon)

    p = commands.add_parser("witness", help="cosign other logs' checkpoints (C2SP tlog-witness)")
    p.add_argument("--listen", default="127.0.0.1:8091")
    p.add_argument("--name", default="witness.semaine.localhost", help="the witness key's name")
    p.add_argument("--key", default="data/witness/witness.key", help="key file (created if absent)")
    p.add_argument("--state", default="data/witness/state.json")
    p.add_argument("--log", action="append", default=[], metavar="ORIGIN=KEY",
                   help="a log to witness: its origin and verifier key (repeatable)")
    p.set_defaults(func=witness)

    p = commands.add_parser("openagenda", help="import an OpenAgenda export, export a programme")
    p.add_argument("action", choices=["import", "export"])
    p.add_argument("file", nargs="?", help="the OpenAgenda JSON export to import")
    p.add_argument("--organisation", help="the organisation's slug (import)")
    p.add_argument("--programme", required=True, help="the programme's slug")
    p.add_argument("--edition", help="the edition's slug, when several have that programme")
    p.add_argument("--track", action="append", default=[], metavar="KEYWORD=TRACK",
                   help="put the events with this keyword in this track (repeatable)")
    p.add_argument("--submit", action="store_true", help="submit the imported drafts")
    p.add_argument("--user", help="the member the import acts for (default: an administrator)")
    p.add_argument("-o", "--output", help="file to write the export to (default: standard output)")
    p.add_argument("--all-states", action="store_true",
                   help="export drafts and submitted events too (default: published only)")
    p.set_defaults(func=openagenda)

    p = commands.add_parser("manage", help="run a Django management command")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=manage)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
