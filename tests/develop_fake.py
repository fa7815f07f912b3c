"""A scripted model that answers the development prompts (and the generator's scene prompt) by what they ask.

It stands in for a model in tests of the engine, the CLI and the chat flow; what it writes is plain and
predictable, so the tests can check that the program used it, where it kept it and what it built around it.
"""

from __future__ import annotations

import re
from langchain_core.messages import AIMessage, BaseMessage

from agent.models.fake import ScriptedChatModel


class StoryFake(ScriptedChatModel):
    """``broken``: answer every development prompt with nothing usable, to drive the program's fallbacks."""

    broken: bool = False
    stranger: str = ""  # a name the free-tier cards put in "Who:" (and the scenes a cue) that is not in the cast
    title: str = "Vespers and Gold"

    def reply(self, messages: list[BaseMessage]) -> AIMessage:
        prompt = str(messages[-1].content)
        return AIMessage(content=self.answer(prompt))

    def answer(self, prompt: str) -> str:
        if "dialogue between" in prompt:  # the scene generator
            names = re.findall(r"^([A-Z][A-Z' ]+): \.\.\.$", prompt, re.MULTILINE)
            what = re.search(r"What happens: (.*)", prompt)
            lines = [f"Rain on the windows. {what.group(1) if what else ''}"]
            lines += [f"{n}: Line {i} about {what.group(1).split()[-1] if what else 'it'}, and no more."
                      for i, n in enumerate(names * 2)]
            if self.stranger:
                lines.append(f"{self.stranger.upper()}: I was never in your cast.")
            return "\n".join(lines)
        if self.broken:
            return "<<<"
        if prompt.rstrip().endswith("Title:"):
            return self.title
        if "Write three short lines about" in prompt:
            name = re.search(r"lines about (\w+)", prompt).group(1)
            return (f"Description: {name.title()} is a tired keeper of old keys.\nWant: to save the monastery\n"
                    f"Flaw: trusts {name.title()}'s own luck too much")
        if "The next beat is" in prompt:
            beat = re.search(r'The next beat is "([^"]+)"', prompt).group(1)
            return f"At the {beat.lower()}, the plan to rob the vault changes everything."
        if "what happens in this scene" in prompt:
            who = re.search(r"with (.*)\.\n", prompt).group(1)
            return f"{who} argue over the stolen ledger until one of them gives in."
        if "main characters of this film" in prompt:
            count = int(re.search(r"Create the (\d+)", prompt).group(1))
            names = ["Anselm", "Prior Hugo", "Sister Wren", "Kit"][:count]
            return "\n\n".join(f"Name: {n}\nDescription: {n} lives at the abbey.\nWant: the abbey's gold\n"
                               f"Flaw: greed" for n in names)
        if "Outline the story in these beats" in prompt:
            names = re.findall(r"^(.+): what happens$", prompt, re.MULTILINE)
            # One beat left out, so the check against the template has something to fill.
            return "\n".join(f"{n}: Anselm and Hugo circle the vault at the {n.lower()}." for n in names[:-1])
        if "Write one scene card for each beat" in prompt:
            count = len(re.findall(r"^\d+\. ", prompt, re.MULTILINE))
            cards = []
            for i in range(1, count):  # the last beat gets no card from the model
                who = "Anselm, Hugo" + (f", {self.stranger}" if self.stranger and i == 1 else "")
                cards.append(f"Beat: {i}\nPlace: the {('cloister', 'bell tower', 'vault')[i % 3]}\nTime: night\n"
                             f"Who: {who}\nWhat: Anselm and Hugo quarrel about the vault key.")
            return "\n\n".join(cards)
        return "I do not know."
