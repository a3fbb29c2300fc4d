"""The synthetic paragraph stores ``query.py`` and ``live.py`` measure, and the questions asked of them.

Stores are built by writing paragraph records straight through ``rag.store.Store.add`` (no files,
no ingest run): paragraphs come from synthetic articles (``bench/synthetic.py``) through
``ingest.pipeline.article_paragraphs`` (so they carry real extracted quotes); vectors are real
embeddings for the first ``real`` paragraphs (cached in ``bench/out/`` per 1,000 paragraphs), and
beyond that a real vector of an earlier paragraph plus Gaussian noise, re-normalised. Built stores
are kept in ``bench/out/query-stores/`` (keyed by the paragraphs, ``real`` and the noise) and reused.
"""

from __future__ import annotations

import hashlib
import random
import re
import shutil
import time
from collections import Counter

from bench import report
from bench.synthetic import MONTHS_AND_DAYS, make_articles

EMBED_CHUNK = 1000  # embeddings are cached per this many paragraphs
NOISE_STD = 0.02  # per dimension; cosine with the source vector is about 0.93
PARAGRAPHS_PER_ARTICLE_GUESS = 7  # only to size the synthetic corpus; surplus articles are dropped
WRITE_BATCH = 2000

_STOREDIR = report.OUT / "query-stores"
_NOUN_PHRASE = re.compile(
    r"\bthe ((?:[A-Za-z][\w'’-]* ){0,3}[A-Za-z][\w'’-]*?)"
    r"(?= (?:on|in|at|to|for|of|and|after|from|by|with|was|were|is|has|had|would|will|that)\b|[,.])"
)


def synthetic_paragraphs(count: int) -> list:
    """``count`` paragraphs of synthetic articles, through the real paragraph repair and quotes."""
    from ingest.pipeline import article_paragraphs
    from rag.schema import Article, article_id_for

    paragraphs: list = []
    n_articles = count // PARAGRAPHS_PER_ARTICLE_GUESS + 10
    while True:
        articles = make_articles(n_articles)
        paragraphs = []
        for i, a in enumerate(articles):
            article = Article(
                article_id=article_id_for(title=a.title, source=a.source), title=a.title,
                paragraphs=a.paragraphs, source=a.source, section=a.section, date=a.date,
                location=f"synthetic/article-{i:06d}.txt",
            )
            # The rules alone: the synthetic articles quote in the rules' shapes by construction, and
            # parsing 100k paragraphs would cost minutes per run before the first question.
            paragraphs.extend(article_paragraphs(article, parse=False))
            if len(paragraphs) >= count:
                return paragraphs[:count]
        n_articles *= 2


def vectors(paragraphs: list, real: int) -> tuple[object, str]:
    """One unit vector per paragraph: real for the first ``real``, perturbed copies after."""
    import numpy as np

    from rag import models
    from rag.records import embedding_text

    encoder = models.Encoder()  # the default (onnx): what the synthetic store is built with
    report.OUT.mkdir(parents=True, exist_ok=True)
    n_real = min(real, len(paragraphs))
    chunks = []
    for start in range(0, n_real, EMBED_CHUNK):
        texts = [embedding_text(p) for p in paragraphs[start : min(start + EMBED_CHUNK, n_real)]]
        key = hashlib.sha1("\x1e".join(texts).encode()).hexdigest()[:16]
        path = report.OUT / f"query-embeddings-{key}.npy"
        if path.exists():
            chunks.append(np.load(path))
            continue
        print(f"  embedding paragraphs {start}..{start + len(texts)} (cached in {path.name})", flush=True)
        chunk = np.asarray(encoder.embed_texts(texts), dtype=np.float32)
        np.save(path, chunk)
        chunks.append(chunk)
    real_vectors = np.concatenate(chunks)
    if n_real == len(paragraphs):
        return real_vectors, f"all {n_real} real"
    rng = np.random.default_rng(0)
    extra = len(paragraphs) - n_real
    noisy = real_vectors[np.arange(extra) % n_real] + rng.normal(0, NOISE_STD, (extra, real_vectors.shape[1]))
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    label = f"{n_real} real, {extra} perturbed copies of those (noise std {NOISE_STD}/dim)"
    return np.concatenate([real_vectors, noisy.astype(np.float32)]), label


def build_store(paragraphs: list, real: int, rebuild: bool) -> tuple[object, str, float | None]:
    """Settings of a store holding ``paragraphs``; built (timed) unless a finished copy exists."""
    from rag.settings import Settings
    from rag.store import Store

    key = hashlib.sha1(
        ("\n".join(p.paragraph_id for p in paragraphs) + f"|{real}|{NOISE_STD}").encode()
    ).hexdigest()[:12]
    folder = _STOREDIR / f"{len(paragraphs)}-{key}"
    settings = Settings.load(env={}, db=folder / "db")
    marker = folder / "complete"
    label_file = folder / "vectors.txt"
    if marker.exists() and not rebuild:
        return settings, label_file.read_text(), None
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    embeddings, label = vectors(paragraphs, real)
    print(f"  writing {len(paragraphs)} paragraphs to {folder}", flush=True)
    start = time.perf_counter()
    store = Store.connect(settings, create=True)
    for i in range(0, len(paragraphs), WRITE_BATCH):
        store.add(paragraphs[i : i + WRITE_BATCH], embeddings[i : i + WRITE_BATCH].tolist())
    store.bump_revision()
    build_s = time.perf_counter() - start
    label_file.write_text(label)
    marker.write_text("")
    return settings, label, build_s



# -- questions ---------------------------------------------------------------------------------------


def questions(paragraphs: list, count: int) -> list[tuple[str, str]]:
    """About ``count`` (kind, question) pairs about people and places in ``paragraphs``.

    Attribution ("who said what about X", "which officials commented on X"), speaker ("what did
    X say", "what did X say about Y") and factual questions, in roughly equal shares.
    """
    rng = random.Random(7)
    by_article: dict[str, list] = {}
    for p in paragraphs:
        by_article.setdefault(p.article_id, []).append(p)
    places: list[tuple[str, str]] = []  # (article_id, a name from its headline)
    for article_id, ps in by_article.items():
        body = " ".join(p.text for p in ps)
        mid = {w for s in re.split(r"(?<=[.!?])\s+", body) for w in re.findall(r"(?<=\s)[A-Z][a-z]{2,}\b", s)}
        names = [w for w in re.findall(r"\b[A-Z][a-z]{2,}\b", ps[0].title)[1:] if w in mid and w not in MONTHS_AND_DAYS]
        places.extend((article_id, n) for n in dict.fromkeys(names))
    speakers = Counter(
        q.speaker for p in paragraphs for q in p.quotes
        if len(q.speaker.split()) >= 2 and all(w[:1].isupper() for w in q.speaker.split())
    )
    np_by_article = {
        aid: [m.group(1) for p in ps if not p.quotes for m in _NOUN_PHRASE.finditer(p.text) if len(m.group(1)) > 8]
        for aid, ps in by_article.items()
    }
    place_of = {aid: n for aid, n in places}
    out: list[tuple[str, str]] = []
    share = max(count // 5, 1)
    for _, place in rng.sample(places, min(share, len(places))):
        out.append(("who said what", rng.choice([
            f"Who said what about {place}?", f"Which officials commented on {place}?",
            f"Who has commented on the situation in {place}?",
        ])))
    names = [s for s, _ in speakers.most_common()]
    for speaker in rng.sample(names, min(share, len(names))):
        out.append(("what did X say", f"What did {speaker} say?"))
    for speaker in rng.sample(names, min(share, len(names))):
        article = next(p.article_id for p in paragraphs for q in p.quotes if q.speaker == speaker)
        topic = place_of.get(article)
        out.append(("what did X say", f"What did {speaker.split()[-1]} say about {topic}?" if topic
                    else f"What did {speaker} say?"))
    templates = [
        "What happened to the {np}?", "What do we know about the {np} in {place}?",
        "What is the latest on the {np} in {place}?", "Why is the {np} in {place} in the news?",
    ]
    candidates = [(aid, np) for aid, nps in np_by_article.items() for np in nps if aid in place_of]
    for aid, np in rng.sample(candidates, min(count - len(out), len(candidates))):
        out.append(("factual", rng.choice(templates).format(np=np, place=place_of[aid])))
    rng.shuffle(out)
    return out

