"""flatc-generated MindSpore Lite schema (do not edit; see scripts/regen_schema.sh)."""
# flatc: flatc version 2.0.8
# model.fbs sha256 43c613ddfa66713ea5975b69aabe36593a4bb6cdd9da72b4cc18d225ca7b483f
# ops.fbs sha256 cf6060ede5ab23dc5ae94955eae7a7d9e20451a3941e6f2aff2036b277b5e56d
# ops_types.fbs sha256 7ca52b7cfe8d1c9d1b7f0fd89dcf439cce8d427c4ffbd91fee266ddd1392f600
