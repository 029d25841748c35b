"""Who is acted upon: the candidate target heads a trigger governs, nearest first, and the
parties they stand for (service.events.phrases)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

from service.events.index import PLACE_LABELS, EntityIndex
from service.events.inflection import base_forms
from service.events.lexicon import Lexicon
from service.events.party import Party, phrase_tokens_of
from service.events.phrases import PhraseEntities
from service.events.tree import (
    CLAUSE_DEPS,
    OBJECT_DEPS,
    Token,
    children,
    doers_above,
    np_tokens,
    phrase_tokens,
    with_conjuncts,
)
from service.events.triggers import Trigger
from service.models import Entity

__all__ = ["Targets"]

_CLAUSES: Final = ("xcomp", "advcl", "ccomp")
_GOVERNED_DEPS: Final = frozenset({"dobj", "prep", "xcomp", "dative"})
_PHRASE_SKIP: Final = CLAUSE_DEPS | {"acl"}
_WITH: Final = frozenset({"with"})
_CONDITIONS: Final = frozenset({"unless", "if"})
#: how far above a noun that stands for the sentence's act ("a move", "a charge") the act's
#: verb is looked for
_ACT_HOPS: Final = 16
_OF_HOPS: Final = 3  # how far down "of" phrases an aimed act's object is followed
#: subordinators of a clause that says when or why ("after", "because"), not what is done
_SUBORDINATORS: Final = frozenset(
    {"after", "before", "when", "while", "as", "because", "since", "once", "though", "although",
     "whereas"}
)  # fmt: skip


class Targets:
    """The targets of a trigger; its word lists are set once."""

    def __init__(self, lexicon: Lexicon, phrases: PhraseEntities) -> None:
        roles, types = lexicon.roles, lexicon.types
        self._phrases = phrases
        self._nouns = lexicon.triggers.noun_types()
        self._target_preps = roles.target_preps
        self._place_preps = roles.place_preps
        self._projectile = roles.projectile_verbs
        self._sent_preps = roles.sent_preps
        self._causative = base_forms(roles.causative_verbs, lexicon.inflection.irregular)
        self._force = types.force
        self._venue_targets = types.force | types.movement | {"PROTEST"}
        self._troop = types.troop
        self._symmetric = types.symmetric
        self._verbal = types.verbal
        self._restating = roles.restating_nouns
        self._missions = roles.mission_nouns

    def __call__(
        self, trig: Trigger, first: list[list[Token]], index: EntityIndex, *, venues: bool
    ) -> list[Party]:
        """The parties of the nearest group of candidate heads that names an entity (one
        naming a country first); else a named country further out; else the nearest phrase
        ("arrested a handful of journalists"). The trigger's own words ("filed charges",
        "launched a mediation effort") and pronouns are not parties."""
        own = set(trig.text.lower().split()) - {trig.token.lower_}
        named: list[Party] = []
        phrases: list[Party] = []
        acts: list[Party] = []
        for heads in self._target_groups(trig, first, venues=venues):
            found, strong = self._group(trig, heads, own, index, acts)
            # a country, or a person the verb takes as its object ("met King Salman in
            # Riyadh": the king, not where), or the body a verbal act addresses ("asked
            # Congress to approve aid to Colombia": Congress, not Colombia)
            direct = all(h.dep_ == "dobj" and h.head.i == trig.token.i for h in heads)
            addressed = direct and trig.type in self._verbal
            if self._venue_heads(trig, heads, venues=venues):
                # "filed a lawsuit at a Geneva court against X": where, unless nobody else;
                # where sides meet each other is never one of them
                named = named or (strong if venues else [])
                continue
            if any(
                p.entity is not None
                and (p.entity.country or (direct and p.person) or (addressed and _body(p)))
                for p in strong
            ):
                return found
            # "met with King Abdullah II in Amman": a name the entity list missed, as the
            # verb's object or partner, before a place further out; "held talks with his
            # Chinese counterpart Yang Jiechi on the Iranian nuclear issue": a person the
            # talks are with, before their topic
            partner = self._with_partner(trig, heads)
            if found and (direct or partner) and (
                any(_unlisted_name(h, index) for h in heads)
                or (partner and any(p.person for p in strong))
            ):
                return found
            if not named and strong:
                named = found
            if not phrases:
                phrases = found
        sent = self._sent_to(trig, index, named, venues=venues)
        if sent:
            # "sent planes to Indonesia and Thailand to help victims of the Indian Ocean
            # tsunami": a name no country places in the purpose is not whom it is for
            return sent
        if named:
            return named
        shared = self._shared_object(trig, index)
        if shared:
            return shared
        # a country somewhere in what the verb governs: not for sides acting together
        governed = self._governed_country(trig.token, trig, index) if venues else []
        if not governed and venues and trig.token.dep_ in ("xcomp", "advcl"):
            # "sent experts to Iran to investigate the crash": where the act is sent to
            governed = self._governed_country(trig.token.head, trig, index)
        return [Party.of(e) for e in governed] or phrases or acts[:1]

    def beyond_own(self, trig: Trigger, country: str, index: EntityIndex) -> list[Party]:
        """Whom the act is aimed at past the actor's own side, when the target found restates
        the actor's country ("recalled Iraq's ambassador from Damascus", "Putin warned that
        Moscow could target missiles at Ukraine", "pledged Moscow's backing for Iran's
        programme"): the first other country that a target preposition of the verb, of its
        object (through "of" phrases) or of a clause it governs names, with its conjuncts."""
        for head in _aimed_heads(trig.token):
            for prep in children(head, ("prep",)):
                if prep.lower_ not in self._target_preps or prep.lower_ == "of":
                    continue
                found: list[Entity] = []
                for obj in children(prep, ("pobj",)):
                    found += [
                        e for e in _np_entities(obj, index)
                        if e.country and e.country != country and e not in found
                    ]  # fmt: skip
                if found:
                    return [Party.of(e) for e in found]
        # "warned that Tehran would strike back if Israel attacked", "that Moscow would deploy
        # missiles to counter U.S. plans": the side its condition or its purpose names
        for head in _conditions_and_purposes(trig.token):
            found = []
            for e in _np_entities(head, index):
                if e.country and e.country != country and e not in found:
                    found.append(e)
            if found:
                return [Party.of(e) for e in found]
        return []

    def destinations(self, trig: Trigger, index: EntityIndex) -> list[Party]:
        """The entities the verb's "to" names, each once ("extradited X to the United States
        and Canada")."""
        found: list[Entity] = []
        for heads in _prep_objects([trig.token], ("to",)):
            for head in heads:
                found += [e for e in _np_entities(head, index) if e not in found]
        return [Party.of(e) for e in found]

    def _sent_to(
        self, trig: Trigger, index: EntityIndex, named: list[Party], *, venues: bool
    ) -> list[Party]:
        """For the purpose of a sending ("sent X to Y to help Z"), the countries it was sent
        to, when the names in the purpose are no country's."""
        token = trig.token
        if not (venues and named and token.dep_ in ("xcomp", "advcl")):
            return []
        if any(p.entity is not None and p.entity.country for p in named):
            return []
        if not any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
            return []
        return [Party.of(e) for e in self._governed_country(token.head, trig, index)]

    def _shared_object(self, trig: Trigger, index: EntityIndex) -> list[Party]:
        """Whom a verbal act addresses when it names no one and shares its subject with the
        verb it is coordinated with: "accused Georgia of ... and warned it could launch
        strikes" warns Georgia."""
        token = trig.token
        if trig.type not in self._verbal or token.dep_ != "conj" or children(token, ("nsubj",)):
            return []
        objects = self._phrases.parties(children(token.head, ("dobj",)), index)
        return [p for p in objects if p.named and p.entity is not None and p.entity.country]

    def _group(
        self, trig: Trigger, heads: list[Token], own: set[str], index: EntityIndex,
        acts: list[Party],
    ) -> tuple[list[Party], list[Party]]:  # fmt: skip
        """The parties of one group of heads, and those an entity of their own words names
        (not a place they name); an event noun's parties go to `acts`, a last resort."""
        found: list[Party] = []
        strong: list[Party] = []
        for head in heads:
            if head.i == trig.token.i:
                continue
            parties = self._phrases.parties([head], index, outer=trig.type in self._troop)
            inner = _np_entities(head, index)
            if self._act_head(trig, head, own, index):  # "released 100 Taliban prisoners"
                # not the act's own named thing: "fired Scud missiles", "Katyusha rockets"
                inner = [e for e in inner if e.country or e.label == "ORG"]
                parties = [p for p in parties if any(p.entity is e for e in inner)]
            elif head.lower_ in self._nouns:  # "condemned the attacks": a last resort
                acts += [p for p in parties if not any(p.entity is e for e in inner)]
                parties = [p for p in parties if any(p.entity is e for e in inner)]
            found += [p for p in parties if not any(p.same(q) for q in found)]
            strong += [p for p in parties if p.named or any(p.entity is e for e in inner)]
        return found, strong

    def _venue_heads(self, trig: Trigger, heads: list[Token], *, venues: bool) -> bool:
        """Whether the heads are where a non-forceful act takes place ("in a Paris court",
        "at the Geneva talks"), not whom it is done to; a protest or a movement goes to them,
        sides acting together ("X and Y met at Wagah") do not."""
        moves = trig.type in self._venue_targets and venues
        return not moves and bool(heads) and all(
            h.dep_ == "pobj" and h.head.lower_ in self._place_preps for h in heads
        )

    def _with_partner(self, trig: Trigger, heads: list[Token]) -> bool:
        """Whether the heads are whom a joint act is with ("met with X", "held talks with X")."""
        return trig.type in self._symmetric and all(
            h.dep_ == "pobj" and h.head.lower_ == "with" and self._on_act(trig, h.head.head)
            for h in heads
        )

    def _on_act(self, trig: Trigger, token: Token) -> bool:
        """Whether a token is the trigger or the event noun it takes ("held talks")."""
        return token.i == trig.token.i or (
            token.dep_ == "dobj" and token.head.i == trig.token.i and token.lower_ in self._nouns
        )

    def _act_head(self, trig: Trigger, head: Token, own: set[str], index: EntityIndex) -> bool:
        """Whether a candidate head names the act itself rather than a party: the trigger's own
        words ("filed charges", "launched a mediation effort") or an event noun of its own type
        ("convened an emergency meeting")."""
        return self._nouns.get(head.lower_) == trig.type or any(
            t.lower_ in own for t in index.cached("phrase", head, phrase_tokens_of)
        )

    def _target_groups(
        self, trig: Trigger, first: list[list[Token]], *, venues: bool
    ) -> list[list[Token]]:
        """Candidate target heads, nearest first: objects, prepositional objects, the
        prepositions of objects, then the subjects and objects of governed clauses; with
        `venues`, where a visit went ("arrived in Amman"), not for sides meeting each other."""
        token = trig.token
        # "sealed off the West Bank": the parser may hang the object on the particle
        objs = children(token, OBJECT_DEPS) + [
            o for prt in children(token, ("prt",)) for o in children(prt, ("pobj",))
        ]  # fmt: skip
        groups: list[list[Token]] = [*first]
        if trig.type == "PROTEST":
            # "protested outside the U.S. embassy in Belgrade against ...": a protest at a
            # country's embassy is against that country, whatever its slogan names
            groups += [
                [o] for prep in children(token, ("prep",)) if prep.lower_ in self._place_preps
                for o in children(prep, ("pobj",)) if o.lower_ in self._missions
            ]  # fmt: skip
        if token.dep_ in ("relcl", "acl") and token.head.lower_ in self._restating:
            # "accused Russia of sending warplanes, a charge Moscow denied": who made the
            # charge; "held drills near Taiwan, a move Taipei condemned", "extradited Mladic, a
            # move welcomed by the EU": who made the move
            groups.append(doers_above(token.head, _ACT_HOPS))
        if trig.type in self._symmetric:
            # "discussed Libya with Trump", "signed a pact with X": the partner, not the topic
            groups += _prep_objects([token], _WITH)
        if trig.base in self._projectile:  # "fired tear gas at protesters": whom it is sent at
            groups += _prep_objects([token], self._sent_preps)
        # "granted asylum to X", "gave Sri Lanka $500 million": the recipient, then the thing
        datives = [o for o in objs if o.dep_ == "dative"]
        if datives and len(datives) < len(objs):
            groups += [datives, [o for o in objs if o.dep_ != "dative"]]
        else:
            groups.append(objs)
        second: list[list[Token]] = []  # prepositions of prepositional objects come later
        for prep in children(token, ("prep",)):
            if prep.lower_ in self._target_preps:
                pobjs = _objects(prep, clauses=True)
                groups.append(pobjs)
                second += _prep_objects(pobjs, self._target_preps)
        for obj in objs:
            # "the sanctions imposed on India", "the agreement reached by Serbia and Kosovo": a
            # participle after the object says whom it concerns, as its prepositions do; not
            # after a noun restating the act ("arrested X, a move praised by Y": Y's act)
            told = [obj, *(a for a in children(obj, ("acl",))
                           if a.tag_ == "VBN" and obj.lower_ not in self._restating)]
            pobjs = [
                children(prep, ("pobj",))
                for head in told for prep in children(head, ("prep", "agent"))
                if prep.lower_ in self._target_preps or prep.lower_ in ("by", "between")
            ]  # fmt: skip
            groups += pobjs
            # "lift its embargo on shipments to Iran, Libya and Cuba"
            second += _prep_objects([h for heads in pobjs for h in heads], self._target_preps)
        groups += second
        if trig.type == "CONSULT" and venues:  # "visited Brazil", "arrived in Amman"
            groups += [children(p, ("pobj",)) for p in children(token, ("prep",))
                       if p.lower_ == "in"]  # fmt: skip
        # "struck Hamas targets after militants fired rockets into southern Israel": a clause
        # that says when or why, with a subject of its own, is another act with its own parties
        clauses = [c for c in children(token, _CLAUSES) if not _other_act(c)]
        for clause in clauses:
            groups.append(children(clause, ("nsubj", "nsubjpass")))
            groups.append(children(clause, ("dobj",)))
            groups += _prep_objects([clause], self._target_preps)
        if trig.type == "THREATEN":
            # "threatened to quit the treaty unless the United States halted the exercises":
            # a threat is made to whoever its condition asks to act, if a name says who ("if
            # the abductions did not stop" asks no one)
            groups += [
                [s for s in children(cond, ("nsubj", "nsubjpass")) if s.ent_type_]
                for head in (token, *clauses) for cond in children(head, ("advcl",))
                if any(m.dep_ == "mark" and m.lower_ in _CONDITIONS for m in cond.children)
            ]  # fmt: skip
        # "refused to allow an Ethiopian plane to land": whom the governed verb lets or makes act
        groups += [
            children(inner, ("nsubj",)) for clause in clauses
            if clause.lower_ in self._causative for inner in children(clause, _CLAUSES)
        ]  # fmt: skip
        return groups

    def _governed_country(self, token: Token, trig: Trigger, index: EntityIndex) -> list[Entity]:
        """Last resort: the first country named in the phrases the verb governs, with those
        coordinated with it, not in clauses that modify them ("prevented the demonstration
        staged to protest ...")."""
        # what is sent carries on to where it goes ("sent a convoy of trucks carrying aid
        # into eastern Ukraine")
        skip = CLAUSE_DEPS if trig.type in self._troop else _PHRASE_SKIP
        for child in token.children:
            if child.dep_ not in _GOVERNED_DEPS:
                continue
            for t in phrase_tokens(child, skip):
                entity = index.of(t)
                if entity is None or not entity.country:
                    continue
                if self._venue(trig, t, entity):
                    continue  # "signed a pact in Riyadh": where, not with whom
                # "rejected a proposal by Britain, France and Germany": each of a list
                found = [entity]
                for other in with_conjuncts(t)[1:]:
                    e = index.of(other)
                    if e is not None and e.country and all(e is not f for f in found):
                        found.append(e)
                return found
        return []

    def _venue(self, trig: Trigger, t: Token, entity: Entity) -> bool:
        """Where an attack happens is whom it hits; where a pact is signed is a venue."""
        return bool(
            entity.label in PLACE_LABELS
            and t.head.lower_ in self._place_preps
            and trig.type not in self._force
            and (t.head.head.i == trig.token.i or t.head.head.lower_ in self._nouns)
        )


def _aimed_heads(token: Token) -> list[Token]:
    """The verb, its objects down their "of" phrases ("the withdrawal of part of Russia's
    forces"), and the same for each clause it governs that is not an act of its own."""
    heads: list[Token] = []
    clauses = [c for c in children(token, ("ccomp", "xcomp")) if not _other_act(c)]
    for verb in (token, *clauses):
        heads.append(verb)
        frontier = children(verb, ("dobj",))
        for _ in range(_OF_HOPS):
            heads += frontier
            frontier = [
                o for f in frontier for p in children(f, ("prep",)) if p.lower_ == "of"
                for o in children(p, ("pobj",))
            ]  # fmt: skip
    return heads


def _conditions_and_purposes(token: Token) -> list[Token]:
    """The subjects of the conditions ("if Israel attacked") and the objects of the purposes
    ("to counter U.S. plans") of the verb and of the clauses it governs."""
    heads: list[Token] = []
    for verb in (token, *children(token, ("ccomp", "xcomp"))):
        for clause in children(verb, ("advcl", "xcomp")):
            marks = {c.lower_ for c in clause.children if c.dep_ in ("mark", "aux")}
            if marks & _CONDITIONS:
                heads += children(clause, ("nsubj",))
            elif "to" in marks:
                heads += children(clause, ("dobj",))
    return heads


def _other_act(clause: Token) -> bool:
    """An adverbial clause of time or cause with a subject of its own ("after militants fired
    rockets", "because the rebels refused"): what it says is not done to the trigger's target."""
    return (
        clause.dep_ == "advcl"
        and any(m.dep_ == "mark" and m.lower_ in _SUBORDINATORS for m in clause.children)
        and bool(children(clause, ("nsubj", "nsubjpass")))
    )


def _np_entities(head: Token, index: EntityIndex) -> list[Entity]:
    """The entities a head and its conjuncts name in their own words, not their prepositions."""
    return [e for m in with_conjuncts(head) for t in np_tokens(m) if (e := index.of(t)) is not None]


def _objects(prep: Token, *, clauses: bool = False) -> list[Token]:
    """A preposition's objects. A clause parsed as its object stands for its subject ("talk
    with rebels holding hostages at the Japanese embassy" talks with the rebels); with
    `clauses`, a clause without one stands for itself ("charged with helping the rebels")."""
    out: list[Token] = []
    for obj in children(prep, ("pobj", "pcomp")):
        subjects = children(obj, ("nsubj",)) if obj.dep_ == "pcomp" else [obj]
        out += subjects or ([obj] if clauses else [])
    return out


def _prep_objects(heads: list[Token], preps: Collection[str]) -> list[list[Token]]:
    """The objects of each head's prepositions among `preps`, one group per preposition."""
    return [_objects(p) for head in heads for p in children(head, ("prep",)) if p.lower_ in preps]


def _unlisted_name(head: Token, index: EntityIndex) -> bool:
    """A proper noun no entity covers ("King Abdullah II"): a name the recogniser missed."""
    return head.tag_ in ("NNP", "NNPS") and not head.ent_type_ and index.of(head) is None


def _body(party: Party) -> bool:
    """A party an organisation's name names."""
    return party.named and party.entity is not None and party.entity.label == "ORG"
