"""Build hook for the one compiled part: the CRF Viterbi decoder (see src/rokhdad/entities/_viterbi.c).

Everything else is configured in pyproject.toml. The extension is optional: where it cannot
be compiled, the install still succeeds and the NER tagger decodes with crfsuite (slower,
same tags).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("rokhdad.entities._viterbi", ["src/rokhdad/entities/_viterbi.c"],
                             optional=True)])
