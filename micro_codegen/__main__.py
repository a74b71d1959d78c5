from micro_codegen.cli import main

main()
