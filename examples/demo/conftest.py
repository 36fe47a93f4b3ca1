"""Root conftest of the demo project.

Its only job is its location: with pytest's default "prepend" import mode, loading this file
puts examples/demo/ on sys.path, so the tests can `import toylib` without any install step.
"""
