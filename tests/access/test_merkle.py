"""RFC 6962 Merkle trees: the reference vectors, hand-built trees and proofs under hypothesis."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eslabon.access.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    tree_hash,
    verify_consistency,
    verify_inclusion,
)

# The inputs and roots used by Certificate Transparency's reference implementations.
CT_INPUTS = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_LEAVES = [leaf_hash(d) for d in CT_INPUTS]


def h(x: str) -> bytes:
    return bytes.fromhex(x)


def sha(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def test_leaf_and_node_hashes_are_domain_separated():
    assert leaf_hash(b"abc") == sha(b"\x00abc")
    assert node_hash(b"L" * 32, b"R" * 32) == sha(b"\x01" + b"L" * 32 + b"R" * 32)
    assert sha(b"") == EMPTY_ROOT
    assert tree_hash([]) == EMPTY_ROOT == Frontier().root()


def test_hand_computed_small_trees():
    a, b, c, d, e = (leaf_hash(x) for x in (b"a", b"b", b"c", b"d", b"e"))
    assert tree_hash([a]) == a
    assert tree_hash([a, b]) == node_hash(a, b)
    # three leaves split 2 + 1: the odd leaf is carried up, never duplicated
    assert tree_hash([a, b, c]) == node_hash(node_hash(a, b), c)
    assert tree_hash([a, b, c, d]) == node_hash(node_hash(a, b), node_hash(c, d))
    # five leaves split 4 + 1 (largest power of two below 5)
    assert tree_hash([a, b, c, d, e]) == node_hash(node_hash(node_hash(a, b), node_hash(c, d)), e)


@pytest.mark.parametrize("n", range(1, 9))
def test_reference_roots(n):
    assert tree_hash(CT_LEAVES[:n]).hex() == CT_ROOTS[n - 1]
    f = Frontier()
    f.extend(CT_LEAVES[:n])
    assert f.root().hex() == CT_ROOTS[n - 1]
    assert f.is_well_formed()


def test_reference_inclusion_proof():
    proof = inclusion_proof(0, CT_LEAVES)
    assert [p.hex() for p in proof] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert verify_inclusion(CT_LEAVES[0], 0, 8, proof, h(CT_ROOTS[7]))


@pytest.mark.parametrize(
    ("m", "n", "expected"),
    [
        (
            1,
            8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ],
)
def test_reference_consistency_proofs(m, n, expected):
    proof = consistency_proof(m, CT_LEAVES[:n])
    assert [p.hex() for p in proof] == expected
    assert verify_consistency(m, n, h(CT_ROOTS[m - 1]), h(CT_ROOTS[n - 1]), proof)


def test_hand_built_proofs_of_a_three_leaf_tree():
    a, b, c = (leaf_hash(x) for x in (b"a", b"b", b"c"))
    root = tree_hash([a, b, c])
    assert inclusion_proof(2, [a, b, c]) == [node_hash(a, b)]
    assert inclusion_proof(0, [a, b, c]) == [b, c]
    # PROOF(2, D[3]): the old tree {a, b} is a complete subtree, so only c is needed
    assert consistency_proof(2, [a, b, c]) == [c]
    assert verify_consistency(2, 3, node_hash(a, b), root, [c])
    # PROOF(1, D[3]) = SUBPROOF(1, D[0:2], true) : MTH(D[2:3]) = [b, c]
    assert consistency_proof(1, [a, b, c]) == [b, c]


def test_out_of_range_proofs_are_refused():
    with pytest.raises(ValueError):
        inclusion_proof(3, CT_LEAVES[:3])
    with pytest.raises(ValueError):
        consistency_proof(4, CT_LEAVES[:3])
    assert not verify_inclusion(CT_LEAVES[0], 3, 3, [], h(CT_ROOTS[2]))
    assert not verify_consistency(4, 3, h(CT_ROOTS[3]), h(CT_ROOTS[2]), [])


def test_consistency_of_equal_and_empty_trees():
    root = h(CT_ROOTS[4])
    assert consistency_proof(5, CT_LEAVES[:5]) == []
    assert verify_consistency(5, 5, root, root, [])
    assert not verify_consistency(5, 5, root, h(CT_ROOTS[3]), [])
    assert consistency_proof(0, CT_LEAVES[:5]) == []
    assert verify_consistency(0, 5, EMPTY_ROOT, root, [])


leaves_st = st.lists(st.binary(max_size=8), min_size=1, max_size=70).map(
    lambda xs: [leaf_hash(x) for x in xs]
)


@given(leaves_st)
def test_frontier_matches_the_recursive_definition_at_every_size(leaves):
    f = Frontier()
    for i, leaf in enumerate(leaves, start=1):
        f.append(leaf)
        assert f.size == i and f.is_well_formed()
        assert f.root() == tree_hash(leaves[:i])


@given(leaves_st, st.data())
def test_inclusion_proofs_verify_and_a_changed_leaf_fails(leaves, data):
    n = len(leaves)
    index = data.draw(st.integers(0, n - 1))
    root = tree_hash(leaves)
    proof = inclusion_proof(index, leaves)
    assert verify_inclusion(leaves[index], index, n, proof, root)
    assert not verify_inclusion(leaf_hash(b"forged"), index, n, proof, root)
    if n > 1:
        other = data.draw(st.integers(0, n - 1).filter(lambda j: j != index))
        if leaves[other] != leaves[index]:
            assert not verify_inclusion(leaves[index], other, n, proof, root)


@given(leaves_st, st.data())
def test_consistency_between_any_m_and_n_verifies_and_a_changed_leaf_fails(leaves, data):
    n = len(leaves)
    m = data.draw(st.integers(0, n))
    old_root, new_root = tree_hash(leaves[:m]), tree_hash(leaves)
    proof = consistency_proof(m, leaves)
    assert verify_consistency(m, n, old_root, new_root, proof)
    if m == 0:
        return
    # Rewrite one of the first m leaves: the new tree no longer extends the old one.
    i = data.draw(st.integers(0, m - 1))
    changed = [*leaves[:i], leaf_hash(b"edited" + leaves[i]), *leaves[i + 1 :]]
    forged_root = tree_hash(changed)
    forged_proof = consistency_proof(m, changed)
    assert not verify_consistency(m, n, old_root, forged_root, forged_proof)
    assert not verify_consistency(m, n, old_root, forged_root, proof)
    if m < n:
        # a leaf changed after m changes the new root but the old tree still proves a prefix
        j = data.draw(st.integers(m, n - 1))
        later = [*leaves[:j], leaf_hash(b"later" + leaves[j]), *leaves[j + 1 :]]
        assert verify_consistency(m, n, old_root, tree_hash(later), consistency_proof(m, later))
        assert not verify_consistency(m, n, old_root, tree_hash(later), proof)
