"""One module per page (Dash Pages): each registers its address and builds its layout in a function."""
