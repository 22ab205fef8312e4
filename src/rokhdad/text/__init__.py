"""The Persian text layer: offset-keeping normalisation, ZWNJ repair, segmentation."""
