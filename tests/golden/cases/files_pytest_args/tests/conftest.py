import glob

collect_ignore = ["unit/helper.py"]
collect_ignore_glob = glob.glob("gen*")
