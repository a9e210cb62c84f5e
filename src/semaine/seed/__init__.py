"""The demo's content (data files read by ``demo.load_demo``) and the synthetic generator
(``generate.generate_edition``) that builds large editions for the benchmarks."""
