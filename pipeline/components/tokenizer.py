"""jieba word segmentation as a spaCy tokenizer that saves its settings and
user words with the pipeline."""

import logging
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Union

import jieba
import srsly
from spacy import util
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab

# jieba logs "Building prefix dict..." at DEBUG each time a dictionary loads.
jieba.setLogLevel(logging.WARNING)


class JiebaTokenizer:
    """Segments text with a private jieba.Tokenizer, so that user words added
    to one pipeline never leak into another (as they would via jieba.dt)."""

    def __init__(
        self, vocab: Vocab, hmm: bool = True, user_words: Iterable[str] = ()
    ) -> None:
        self.vocab = vocab
        self.hmm = hmm
        self.user_words: List[str] = []
        self._jieba: Optional[jieba.Tokenizer] = None
        self._set_user_words(user_words)

    def __call__(self, text: str) -> Doc:
        segmenter = self._jieba or self._load()
        words = list(segmenter.cut(text, HMM=self.hmm))
        words, spaces = util.get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def initialize(
        self,
        get_examples: Optional[Callable[[], Iterable[Example]]] = None,
        *,
        nlp: Optional[Language] = None,
        user_words: Optional[List[str]] = None,
        pkuseg_model: Optional[str] = None,
        pkuseg_user_dict: Optional[str] = "default",
    ) -> None:
        """Replace the user words with `user_words` unless it is None.

        pkuseg_model and pkuseg_user_dict are ignored: the zh language's
        default [initialize.tokenizer] block always passes them, and spaCy
        rejects settings the signature does not name.
        """
        if user_words is not None:
            self._set_user_words(user_words)

    def _set_user_words(self, words: Iterable[str]) -> None:
        # jieba derives each added word's frequency from the words added before
        # it, so order is kept to make a reloaded pipeline segment identically.
        unique = list(dict.fromkeys(words))
        if unique != self.user_words:
            self.user_words = unique
            # A loaded jieba.Tokenizer cannot forget words, so start afresh.
            self._jieba = None

    def _load(self) -> jieba.Tokenizer:
        segmenter = jieba.Tokenizer()
        segmenter.initialize()
        for word in self.user_words:
            segmenter.add_word(word)
        self._jieba = segmenter
        return segmenter

    def __getstate__(self) -> Dict[str, Any]:
        # jieba.Tokenizer holds an RLock, which cannot be pickled or deep-copied.
        return {**self.__dict__, "_jieba": None}

    def _get_config(self) -> Dict[str, Any]:
        return {"hmm": self.hmm, "user_words": self.user_words}

    def _set_config(self, cfg: Dict[str, Any]) -> None:
        self.hmm = cfg["hmm"]
        self._set_user_words(cfg["user_words"])

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        serializers = {"cfg": lambda: srsly.json_dumps(self._get_config())}
        return util.to_bytes(serializers, exclude)

    def from_bytes(
        self, data: bytes, *, exclude: Iterable[str] = tuple()
    ) -> "JiebaTokenizer":
        deserializers = {"cfg": lambda b: self._set_config(srsly.json_loads(b))}
        util.from_bytes(data, deserializers, exclude)
        return self

    def to_disk(
        self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()
    ) -> None:
        serializers = {"cfg": lambda p: srsly.write_json(p, self._get_config())}
        util.to_disk(path, serializers, exclude)

    def from_disk(
        self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()
    ) -> "JiebaTokenizer":
        deserializers = {"cfg": lambda p: self._set_config(srsly.read_json(p))}
        util.from_disk(path, deserializers, exclude)
        return self


@registry.tokenizers("privspan.JiebaTokenizer.v1")
def create_jieba_tokenizer(hmm: bool = True) -> Callable[[Language], JiebaTokenizer]:
    def jieba_tokenizer_factory(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab, hmm=hmm)

    return jieba_tokenizer_factory
