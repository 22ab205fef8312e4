/* Viterbi decoding of a first-order linear-chain CRF over many sentences at once.
 *
 * rokhdad.entities.ner sums each token's label scores with numpy (from cached per-word
 * score vectors, see NerTagger); the search for the best label sequence is a loop over
 * tokens and label pairs that numpy can only run one position at a time, so it lives here.
 *
 * viterbi(emissions, transitions, lengths, out)
 *   emissions   float64, C-contiguous, tokens x labels: label scores of every token of
 *               every sentence, sentence after sentence
 *   transitions float64, C-contiguous, labels x labels: [previous label][label]
 *   lengths     int64, one per sentence, summing to the number of tokens
 *   out         int32, writable, one per token: the best label of each token
 *
 * Like crfsuite's CRF1d model, there are no start or end transitions. Ties go to the
 * lower label index, as in crfsuite.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int
get_buffer(PyObject *obj, Py_buffer *view, int writable, const char *formats,
           Py_ssize_t itemsize, const char *name)
{
    /* formats: the struct codes accepted, one character each ("ql": an 8-byte integer
       is 'l' in numpy on LP64 systems and 'q' elsewhere) */
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0)
        return -1;
    const char *f = view->format;
    if (f != NULL && (f[0] == '<' || f[0] == '=' || f[0] == '@'))
        f++;
    if (view->itemsize != itemsize || f == NULL || f[0] == '\0' || f[1] != '\0' ||
        strchr(formats, f[0]) == NULL) {
        PyErr_Format(PyExc_TypeError, "%s: expected a contiguous buffer of format '%s'",
                     name, formats);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static void
decode_sentence(const double *em, const double *trans, Py_ssize_t n, Py_ssize_t labels,
                double *score, double *next, int32_t *back, int32_t *out)
{
    Py_ssize_t t, i, j;
    for (j = 0; j < labels; j++)
        score[j] = em[j];
    for (t = 1; t < n; t++) {
        const double *e = em + t * labels;
        int32_t *b = back + t * labels;
        for (j = 0; j < labels; j++) {
            double best = score[0] + trans[j];
            int32_t arg = 0;
            for (i = 1; i < labels; i++) {
                double s = score[i] + trans[i * labels + j];
                if (s > best) {
                    best = s;
                    arg = (int32_t)i;
                }
            }
            next[j] = best + e[j];
            b[j] = arg;
        }
        memcpy(score, next, (size_t)labels * sizeof(double));
    }
    int32_t arg = 0;
    for (j = 1; j < labels; j++)
        if (score[j] > score[arg])
            arg = (int32_t)j;
    out[n - 1] = arg;
    for (t = n - 1; t > 0; t--)
        out[t - 1] = back[t * labels + out[t]];
}

static PyObject *
viterbi(PyObject *self, PyObject *args)
{
    PyObject *em_obj, *tr_obj, *len_obj, *out_obj;
    Py_buffer em, tr, len, out;
    if (!PyArg_ParseTuple(args, "OOOO:viterbi", &em_obj, &tr_obj, &len_obj, &out_obj))
        return NULL;
    if (get_buffer(em_obj, &em, 0, "d", sizeof(double), "emissions") < 0)
        return NULL;
    if (get_buffer(tr_obj, &tr, 0, "d", sizeof(double), "transitions") < 0)
        goto fail_em;
    if (get_buffer(len_obj, &len, 0, "ql", sizeof(int64_t), "lengths") < 0)
        goto fail_tr;
    if (get_buffer(out_obj, &out, 1, "i", sizeof(int32_t), "out") < 0)
        goto fail_len;

    Py_ssize_t labels = 0;
    while (labels * labels < tr.len / (Py_ssize_t)sizeof(double))
        labels++;
    Py_ssize_t tokens = out.len / (Py_ssize_t)sizeof(int32_t);
    Py_ssize_t sentences = len.len / (Py_ssize_t)sizeof(int64_t);
    const int64_t *lengths = (const int64_t *)len.buf;
    Py_ssize_t total = 0, longest = 0, s;
    for (s = 0; s < sentences; s++) {
        if (lengths[s] < 0) {
            PyErr_SetString(PyExc_ValueError, "lengths: a negative length");
            goto fail_out;
        }
        total += lengths[s];
        if (lengths[s] > longest)
            longest = lengths[s];
    }
    if (labels == 0 || labels * labels * (Py_ssize_t)sizeof(double) != tr.len) {
        PyErr_SetString(PyExc_ValueError, "transitions: not a square matrix");
        goto fail_out;
    }
    if (total != tokens || em.len != tokens * labels * (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError,
                        "emissions, lengths and out disagree on the number of tokens");
        goto fail_out;
    }
    double *score = malloc(2 * (size_t)labels * sizeof(double));
    int32_t *back = malloc(((size_t)longest + 1) * (size_t)labels * sizeof(int32_t));
    if (score == NULL || back == NULL) {
        free(score);
        free(back);
        PyErr_NoMemory();
        goto fail_out;
    }
    Py_BEGIN_ALLOW_THREADS
    const double *e = (const double *)em.buf;
    int32_t *o = (int32_t *)out.buf;
    for (s = 0; s < sentences; s++) {
        Py_ssize_t n = (Py_ssize_t)lengths[s];
        if (n > 0)
            decode_sentence(e, (const double *)tr.buf, n, labels, score, score + labels, back, o);
        e += n * labels;
        o += n;
    }
    Py_END_ALLOW_THREADS
    free(score);
    free(back);
    PyBuffer_Release(&out);
    PyBuffer_Release(&len);
    PyBuffer_Release(&tr);
    PyBuffer_Release(&em);
    Py_RETURN_NONE;

fail_out:
    PyBuffer_Release(&out);
fail_len:
    PyBuffer_Release(&len);
fail_tr:
    PyBuffer_Release(&tr);
fail_em:
    PyBuffer_Release(&em);
    return NULL;
}

static PyMethodDef methods[] = {
    {"viterbi", viterbi, METH_VARARGS,
     "viterbi(emissions, transitions, lengths, out): best label of every token, into out."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_viterbi",
    "Linear-chain CRF Viterbi decoding (see rokhdad.entities.ner).", -1, methods,
};

PyMODINIT_FUNC
PyInit__viterbi(void)
{
    return PyModule_Create(&module);
}
