"""Reference values for the t-SNE and PCA tests: scikit-learn's TSNE and PCA on the UCI digits.

Run from the repository root with Debian's Python and scikit-learn 1.2.1:

    /usr/bin/python3 tools/reference/tsne_reference.py > tests/Taxonomy.Tests/Projection/Reference/digits-sklearn.json

The digits are read from data/digits.csv.gz (64 features, then the label), the file the project embeds.
"""
import gzip
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness

with gzip.open("data/digits.csv.gz", "rt") as f:
    rows = np.loadtxt(f, delimiter=",")
x = rows[:, :64].astype(np.float32)

result = {
    "source": "data/digits.csv.gz, 1797 x 64, float32",
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "command": "/usr/bin/python3 tools/reference/tsne_reference.py",
}
for method in ("exact", "barnes_hut"):
    start = time.perf_counter()
    tsne = TSNE(n_components=2, perplexity=30.0, method=method, random_state=0, init="pca", learning_rate="auto")
    embedding = tsne.fit_transform(x)
    result[method] = {
        "kl": float(tsne.kl_divergence_),
        "trustworthiness": float(trustworthiness(x, embedding, n_neighbors=5)),
        "iterations": int(tsne.n_iter_),
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(method, result[method], file=sys.stderr)

# The first 600 digits by Barnes-Hut: the reference the always-run test checks (the full set takes longer).
subset = x[:600]
tsne = TSNE(n_components=2, perplexity=30.0, method="barnes_hut", random_state=0, init="pca", learning_rate="auto")
embedding = tsne.fit_transform(subset)
result["barnes_hut_600"] = {
    "kl": float(tsne.kl_divergence_),
    "trustworthiness": float(trustworthiness(subset, embedding, n_neighbors=5)),
    "iterations": int(tsne.n_iter_),
}
print("barnes_hut_600", result["barnes_hut_600"], file=sys.stderr)

pca = PCA(n_components=2)
projection = pca.fit_transform(x)
result["pca"] = {
    "trustworthiness": float(trustworthiness(x, projection, n_neighbors=5)),
    "components": pca.components_.astype(float).round(6).tolist(),
    "explained_variance": pca.explained_variance_.astype(float).round(6).tolist(),
}
json.dump(result, sys.stdout, indent=1)
print()
